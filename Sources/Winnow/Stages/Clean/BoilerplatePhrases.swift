/// The families of boilerplate lines `clean` removes; each can be turned off in the pipeline file.
public enum BoilerplateFamily: String, CaseIterable, Sendable {
    /// Comment forms and their prompts, required-field markers (a lone `*`); the rest of a document goes with a
    /// comment form that starts near its end.
    case commentForm = "comment_form"
    /// Share, follow, like and print prompts.
    case share
    /// Cookie and consent notices.
    case cookie
    /// Newsletter and subscription sign-ups.
    case newsletter
    /// Copyright and "All rights reserved" lines.
    case copyright
    /// "Related articles", "Read more", "Click here" lines.
    case related
    /// Navigation: breadcrumbs, menus, footer links.
    case navigation
    /// "Advertisement" labels.
    case advertising
}

/// The built-in multilingual phrase list (en, de, fr, es, it, pt, nl, ru, pl), matched against a line's normalised
/// form (lower case, `’` as `'`, symbols and punctuation trimmed at both ends, digits and brackets removed,
/// spaces collapsed). A phrase is written `=phrase` (the whole line), `^phrase` (the line starts with it, as
/// whole words) or `~phrase` (the line contains it; for notices that come as long sentences).
enum BoilerplatePhrases {
    static let phrases: [BoilerplateFamily: [String]] = [
        .commentForm: [
            // en
            "=leave a reply", "=leave a comment", "=be the first to comment",
            "=your email address will not be published",
            "=your email address will not be published. required fields are marked", "^required fields are marked",
            "=post comment", "=submit comment", "=comments", "=comment", "=add a comment", "=cancel reply", "=reply",
            "=name", "=email", "=website", "=name *", "=email *", "^notify me of follow-up comments",
            "^notify me of new posts",
            "^save my name, email, and website in this browser", "^you must be logged in to post a comment",
            "=join the conversation", "=show comments", "=view comments", "=no comments yet",
            // de
            "=hinterlasse einen kommentar", "=kommentar schreiben", "=kommentare", "=kommentar", "=jetzt kommentieren",
            "^deine e-mail-adresse wird nicht veröffentlicht", "^ihre e-mail-adresse wird nicht veröffentlicht",
            "^erforderliche felder sind mit", "=kommentar abschicken", "=antworten", "=schreibe einen kommentar",
            // fr
            "=laisser un commentaire", "=laisser une réponse", "^votre adresse e-mail ne sera pas publiée",
            "^votre adresse de messagerie ne sera pas publiée", "^votre adresse email ne sera pas publiée",
            "^les champs obligatoires sont indiqués", "=commentaires", "=ajouter un commentaire",
            "=soyez le premier à commenter",
            "=publier le commentaire", "=répondre",
            // es
            "=deja un comentario", "=dejar un comentario", "=deja una respuesta",
            "^tu dirección de correo electrónico no será publicada",
            "^los campos obligatorios están marcados", "=comentarios", "=publicar comentario",
            "=sé el primero en comentar", "=responder",
            // it
            "=lascia un commento", "=lascia una risposta", "^il tuo indirizzo email non sarà pubblicato",
            "^i campi obbligatori sono contrassegnati", "=commenti", "=pubblica il commento", "=commenta per primo",
            "=rispondi",
            // pt
            "=deixe um comentário", "=deixe uma resposta", "^o seu endereço de email não será publicado",
            "^o seu endereço de e-mail não será publicado", "^seu endereço de e-mail não será publicado",
            "^campos obrigatórios são marcados", "=comentários", "=publicar comentário", "=seja o primeiro a comentar",
            // nl
            "=laat een reactie achter", "=geef een reactie", "^je e-mailadres wordt niet gepubliceerd",
            "^uw e-mailadres wordt niet gepubliceerd", "^vereiste velden zijn gemarkeerd", "=reacties",
            "=reactie plaatsen",
            "=plaats een reactie",
            // ru
            "=оставить комментарий", "=оставьте комментарий", "^ваш адрес email не будет опубликован",
            "^ваш e-mail не будет опубликован", "^обязательные поля помечены", "=комментарии", "=отправить комментарий",
            "=добавить комментарий", "^будьте первым, кто оставит комментарий",
            // pl
            "=dodaj komentarz", "=zostaw komentarz", "=skomentuj", "^twój adres e-mail nie zostanie opublikowany",
            "^twój adres email nie zostanie opublikowany", "^wymagane pola są oznaczone", "=komentarze",
            "=opublikuj komentarz", "=skomentuj jako pierwszy",
        ],
        .share: [
            "=share this article", "=share this story", "=share this", "=share", "=share article", "^share on",
            "^share via",
            "=email this", "=print this article", "=print", "=tweet", "^follow us", "^like us on",
            "=artikel teilen", "=teilen", "^auf facebook teilen", "^teilen auf", "=jetzt teilen", "=drucken",
            "=artikel drucken",
            "^folgen sie uns", "^per e-mail teilen",
            "=partager", "=partager cet article", "^partager sur", "=imprimer", "^suivez-nous",
            "=compartir", "^compartir en", "=compartir este artículo", "^síguenos",
            "=condividi", "^condividi su", "=condividi questo articolo", "=stampa", "^seguici",
            "=partilhar", "=compartilhar", "^partilhar no", "^partilhar na", "^compartilhe", "^siga-nos",
            "=deel dit artikel", "=delen", "^deel op", "=printen", "^volg ons",
            "=поделиться", "^поделиться в", "=распечатать", "=версия для печати", "^подписывайтесь на нас",
            "=udostępnij", "^udostępnij na", "=drukuj", "^obserwuj nas", "^śledź nas",
        ],
        .cookie: [
            "~we use cookies", "~this website uses cookies", "~this site uses cookies", "=cookie policy",
            "=cookie settings",
            "=accept cookies", "=accept all cookies", "=manage cookies", "=accept all",
            "^by continuing to use this site",
            "~wir verwenden cookies", "~diese website verwendet cookies", "=cookie-einstellungen", "=alle akzeptieren",
            "~nous utilisons des cookies", "~ce site utilise des cookies", "=politique de cookies",
            "=paramètres des cookies",
            "=gérer les cookies", "=accepter les cookies", "=tout accepter",
            "~utilizamos cookies", "~este sitio web utiliza cookies", "=política de cookies", "=aceptar cookies",
            "=configuración de cookies",
            "~utilizziamo i cookie", "~questo sito utilizza cookie", "~questo sito utilizza i cookie",
            "=accetta i cookie",
            "=impostazioni dei cookie",
            "~usamos cookies", "~este site utiliza cookies", "~este site usa cookies", "=aceitar cookies",
            "~wij gebruiken cookies", "~we gebruiken cookies", "~deze website maakt gebruik van cookies",
            "=cookiebeleid",
            "=cookies accepteren",
            "~мы используем файлы cookie", "~мы используем cookie", "~этот сайт использует файлы cookie",
            "=политика использования файлов cookie",
            "~używamy plików cookie", "~ta strona używa plików cookie", "=polityka cookies", "=akceptuję",
        ],
        .newsletter: [
            "^subscribe to our", "^sign up for our", "^sign up to our", "=subscribe", "=sign up", "=newsletter",
            "^get our newsletter", "=enter your email address", "=subscribe now",
            "=newsletter abonnieren", "=jetzt abonnieren", "^melden sie sich für unseren newsletter an", "=abonnieren",
            "^abonnez-vous à notre", "^inscrivez-vous à notre", "=s'abonner", "=abonnez-vous",
            "^suscríbete a nuestro", "=suscríbete", "=suscribirse", "^recibe nuestro boletín",
            "^iscriviti alla", "=iscriviti",
            "^assine a nossa", "^subscreva a nossa", "=inscreva-se", "=assine",
            "^schrijf je in voor", "^abonneer je op", "^aanmelden voor de nieuwsbrief", "=inschrijven",
            "^подпишитесь на нашу рассылку", "=подписаться на рассылку", "=подписаться", "^подписывайтесь на наш канал",
            "^zapisz się do newslettera", "=zapisz się", "=subskrybuj",
        ],
        .copyright: [
            "~all rights reserved", "~alle rechte vorbehalten", "~tous droits réservés",
            "~todos los derechos reservados",
            "~tutti i diritti riservati", "~todos os direitos reservados", "~alle rechten voorbehouden",
            "~все права защищены",
            "~wszelkie prawa zastrzeżone",
        ],
        .related: [
            "^read more", "=related articles", "=related stories", "=related", "^more from", "=see also", "^click here",
            "=you may also like", "=recommended for you", "=most read", "=more on this story",
            "=mehr zum thema", "^mehr aus der", "^lesen sie auch", "=weiterlesen", "=mehr lesen",
            "^das könnte sie auch interessieren",
            "^lire aussi", "=lire la suite", "^à lire aussi", "=voir aussi", "^cliquez ici",
            "=leer más", "^lee también", "^te puede interesar", "^haz clic aquí", "=artículos relacionados",
            "^leggi anche", "=leggi di più", "=articoli correlati", "^clicca qui",
            "^leia também", "=leia mais", "=saiba mais", "^clique aqui", "=artigos relacionados",
            "^lees ook", "=lees meer", "=lees verder", "^klik hier", "=gerelateerde artikelen",
            "^читайте также", "=читать далее", "=подробнее", "=похожие статьи", "^нажмите здесь",
            "^czytaj też", "^czytaj także", "=czytaj więcej", "^zobacz też", "^kliknij tutaj", "=powiązane artykuły",
        ],
        .navigation: [
            "=home", "=menu", "=skip to content", "=skip to main content", "=back to top", "=next article",
            "=previous article", "=search", "=log in", "=sign in", "=register", "=privacy policy", "=terms of use",
            "=terms and conditions", "=contact us", "=about us",
            "=startseite", "=suche", "=anmelden", "=impressum", "=datenschutz", "=datenschutzerklärung", "=kontakt",
            "=accueil", "=rechercher", "=se connecter", "=mentions légales", "=nous contacter",
            "=inicio", "=buscar", "=iniciar sesión", "=aviso legal", "=contacto",
            "=cerca", "=accedi", "=contatti", "=chi siamo",
            "=início", "=pesquisar", "=entrar", "=contactos",
            "=zoeken", "=inloggen",
            "=главная", "=поиск", "=войти", "=контакты",
            "=strona główna", "=szukaj", "=zaloguj się", "=kontakt",
        ],
        .advertising: [
            "=advertisement", "=advertising", "=sponsored", "=sponsored content", "=anzeige", "=werbung", "=publicité",
            "=publicidad", "=pubblicità", "=publicidade", "=advertentie", "=реклама", "=reklama",
        ],
    ]
}
