#!/usr/bin/env python3
"""Writes the gzip batches in Samples/ (see Samples/README.md for what each holds and why).

Run from the project's root: python3 Scripts/make-samples.py [path/to/seed/article.txt]
The articles are our own writing; the seed article is ../shared/seed/article.txt (it may be used as a sample).
Output is deterministic (gzip mtime 0), so rerunning it changes no committed bytes.
"""
import gzip, io, json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "Samples")

def gz(name, data: bytes):
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as f:
        f.write(data)
    open(os.path.join(SAMPLES, name), "wb").write(buffer.getvalue())

def line(record) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")

EN = [
 ("en-harbour", "Harbour town votes to keep its ferry", """Harbour town votes to keep its ferry

Residents of Port Ellery voted on Thursday to keep the small passenger ferry that has crossed the estuary since 1921, rejecting a council plan to replace it with a bus link over the new road bridge.

The ferry, a 40-seat vessel called the Marigold, carries about 600 people a day in summer and fewer than 150 in winter. The council had argued that running it costs £310,000 a year, roughly three times what the bus link would cost.

"People here do not see it as transport," said Ann Whitcombe, who organised the campaign. "It is how children get to school, how the market traders get their stock across, and it is why visitors come at all."

Turnout was 58%, unusually high for a local ballot. Of those who voted, 71% backed keeping the service. The council said it would honour the result but warned that fares may rise by 20p from April.

Share this article

Follow us on Facebook"""),
 ("en-rail", "Rail operator apologises after week of cancellations", """Rail operator apologises after week of cancellations

The operator of the Northern Valley line has apologised to passengers after cancelling more than 300 trains in five days, blaming a shortage of drivers and a fault in its new signalling software.

Dr. Priya Natarajan, the company's operations director, said the software update installed on 3 March had caused trains to be held at red signals for up to 40 minutes. Engineers rolled it back on Saturday at 5 p.m., and services are expected to be normal by Wednesday.

Commuters said the apology came too late. "I have been late for work four times this week," said Tom Ryder, 34, who travels from Ashby to the city every day. "Nobody told us anything until Friday."

The regulator said it would review the incident and could fine the operator up to 10% of its annual turnover of £212m.

Cookie settings | Privacy policy | Terms of use"""),
 ("en-library", "Library lends out tools as well as books", """Library lends out tools as well as books

A public library in Greyford has started lending drills, ladders, sewing machines and soil testers alongside its books, and the "library of things" has become its busiest service within a month.

Borrowers need only a library card. Items can be kept for a week, and a volunteer checks each one when it comes back. Since it opened, 412 items have been borrowed; the pressure washer has been out every single day.

The librarian, Mr. O. K. Mensah, said the idea came from residents who lived in small flats without storage. "Nobody needs to own a drill they use twice a year," he said. "We already know how to lend things. That is what a library is for."

The council has given £8,500 for a second collection of camping equipment, which will arrive in the spring.

Read more: How to borrow from the library of things"""),
 ("en-bees", "Rooftop bees thrive in the city centre", """Rooftop bees thrive in the city centre

Beekeepers who placed twelve hives on the roofs of office buildings in the city centre three years ago say the colonies are healthier than those in the surrounding farmland.

Honey samples from the rooftops contained pollen from more than 80 plant species, compared with fewer than 30 in samples from hives beside fields of oilseed rape, according to a study by the university's ecology department.

"Gardens, parks, street trees and railway verges give the bees something to eat from March to October," said Dr. Helen Amis, who led the study. "A field of a single crop gives them a feast for three weeks and then nothing."

The researchers warn that more hives are not always better: wild bees compete for the same flowers, and the city may already have as many honeybees as it can feed.

Subscribe to our newsletter
Advertisement"""),
]

DE = [
 ("de-radweg", "Neuer Radweg verbindet zwei Stadtteile", """Neuer Radweg verbindet zwei Stadtteile

Nach zwei Jahren Bauzeit ist der Radweg zwischen Nordstadt und Hafenviertel am 3. Oktober eröffnet worden. Die Strecke ist 4,2 km lang und führt zum großen Teil über eine stillgelegte Bahntrasse.

Die Baukosten lagen bei 6,8 Mio. Euro, etwa 15 % über der ursprünglichen Schätzung. Die Stadt begründet das mit gestiegenen Preisen für Stahl und Asphalt. Der Bund hat rund die Hälfte der Kosten übernommen.

Bei der Eröffnung fuhren Oberbürgermeisterin Dr. Karin Vogt und etwa 300 Bürgerinnen und Bürger die Strecke gemeinsam ab. „Wer morgens zur Arbeit fährt, spart jetzt zehn Minuten und muss keine Hauptstraße mehr kreuzen", sagte Vogt.

Anwohner hatten sich zunächst gegen das Projekt gewehrt, weil sie Lärm befürchteten. Inzwischen überwiegt die Zustimmung: Bei einer Umfrage im Sommer sprachen sich 68 % für den Radweg aus.

Artikel teilen
Alle Rechte vorbehalten"""),
 ("de-baeckerei", "Bäckerei übergibt an die nächste Generation", """Bäckerei übergibt an die nächste Generation

Seit 1958 backt die Familie Hofmann in der Lindenstraße Brot, und nach 41 Jahren in der Backstube übergibt Meister Georg Hofmann den Betrieb an seine Tochter Lena.

Die 29-Jährige hat nach ihrer Ausbildung drei Jahre in Lyon und Kopenhagen gearbeitet. Sie will das Sortiment behutsam erweitern: Neben dem bekannten Roggenbrot soll es künftig Sauerteigbrote aus alten Getreidesorten geben.

„Die Leute kommen wegen des Roggenbrots, das wird sich nicht ändern", sagte Lena Hofmann. Ihr Vater will weiterhin zweimal pro Woche in der Backstube helfen, „aber nicht mehr um drei Uhr morgens".

Wie viele Handwerksbetriebe sucht auch die Bäckerei Personal. Zwei Ausbildungsplätze sind für das kommende Jahr noch frei.

Kommentare (0)
Jetzt kommentieren"""),
 ("de-wetter", "Starkregen überflutet Keller in der Altstadt", """Starkregen überflutet Keller in der Altstadt

Ein Unwetter hat am Dienstagabend in der Altstadt zahlreiche Keller überflutet. Innerhalb von einer Stunde fielen nach Angaben des Wetterdienstes 48 Liter Regen pro Quadratmeter.

Die Feuerwehr rückte zu mehr als 120 Einsätzen aus, verletzt wurde niemand. Besonders betroffen waren die Gebäude rund um den Marktplatz, wo die Kanalisation aus dem 19. Jahrhundert stammt.

Die Stadtwerke kündigten an, die Sanierung der Kanäle um zwei Jahre vorzuziehen. Bis dahin rät die Stadt Hausbesitzern, Rückstauklappen einbauen zu lassen. Die Kosten dafür werden zu 30 % bezuschusst."""),
]

FR = [
 ("fr-marche", "Le marché couvert rouvre après deux ans de travaux", """Le marché couvert rouvre après deux ans de travaux

Le marché couvert de Saint-Aubin a rouvert ses portes samedi matin, après deux ans de travaux de rénovation. Une quarantaine de commerçants ont retrouvé leurs étals sous la charpente métallique du XIXe siècle, entièrement restaurée.

Les travaux ont coûté 4,5 millions d'euros, financés pour moitié par la région. La verrière a été remplacée et le bâtiment est désormais chauffé par une pompe à chaleur.

« On a attendu longtemps, mais ça valait la peine », a confié Mme Béatrice Lefèvre, fromagère depuis vingt-deux ans. Les clients étaient au rendez-vous dès 7 h, et plusieurs étals étaient vides avant midi.

Le marché sera ouvert du mardi au dimanche. Un parking à vélos de 60 places a été installé devant l'entrée principale.

Partager sur Facebook
Tous droits réservés"""),
 ("fr-ecole", "Une école plante une forêt dans sa cour", """Une école plante une forêt dans sa cour

Les élèves de l'école Jules-Ferry ont planté cet hiver plus de 600 arbres et arbustes dans une partie de leur cour, jusqu'ici recouverte de bitume. Le projet s'inspire de la méthode du botaniste japonais Akira Miyawaki.

Les essences ont été choisies avec l'Office national des forêts : chênes, érables, noisetiers, aubépines. Plantés très serrés, les jeunes arbres doivent former en quelques années un petit bois dense.

« L'été dernier, il faisait 45 °C sur le bitume à midi », explique la directrice, M. Claire Dubois. « Les enfants ne pouvaient plus jouer dehors. » Les parents ont participé aux plantations le samedi.

La mairie prévoit d'étendre l'expérience à trois autres écoles d'ici 2027."""),
 ("fr-mojibake", "Le festival de thÃ©Ã¢tre affiche complet", """Le festival de thÃ©Ã¢tre affiche complet

Pour sa dixiÃ¨me Ã©dition, le festival de thÃ©Ã¢tre de rue a vendu toutes ses places en moins de trois jours. Les organisateurs attendent prÃ¨s de 20 000 spectateurs sur le week-end.

Â« Nous nâ€™avions jamais vu Ã§a Â», a dÃ©clarÃ© le prÃ©sident de lâ€™association. Une quarantaine de compagnies se produiront sur les places et dans les cours du centre historique."""),
]

ES = [
 ("es-biblioteca", "La biblioteca municipal amplía su horario", """La biblioteca municipal amplía su horario

La biblioteca municipal de Villanueva abrirá también los domingos a partir del próximo mes, después de que más de 2.000 vecinos firmaran una petición para ampliar su horario.

La sala de estudio estará disponible de 9 a 21 horas todos los días durante la época de exámenes. El ayuntamiento ha contratado a dos bibliotecarias más para cubrir los nuevos turnos.

«Muchos estudiantes no tienen un sitio tranquilo en casa», explicó la concejala de Cultura, la Sra. Marta Gil. «La biblioteca es el único lugar donde pueden concentrarse».

El presupuesto anual de la biblioteca aumentará un 12 %, hasta los 430.000 euros.

Compartir en Twitter
Política de cookies"""),
 ("es-huerto", "Un huerto urbano reúne a vecinos de todas las edades", """Un huerto urbano reúne a vecinos de todas las edades

En un solar abandonado del barrio de San Lorenzo, un grupo de vecinos ha creado un huerto comunitario con 48 parcelas. Los más jóvenes tienen seis años; la mayor, Carmen, acaba de cumplir 91.

El ayuntamiento cedió el terreno por diez años y pagó la instalación del riego por goteo. Cada parcela cuesta 20 euros al año, y la lista de espera ya supera las 60 familias.

«Aquí aprendemos unos de otros», dice Julián Ortega, uno de los fundadores. «Los mayores saben cuándo sembrar; los jóvenes traen las ganas».

Los sábados se organizan talleres de compostaje abiertos a todo el barrio."""),
]

RU = [
 ("ru-most", "В городе открыли новый пешеходный мост", """В городе открыли новый пешеходный мост

В субботу в центре города открыли пешеходный мост через реку Северку. Его длина составляет 180 метров, строительство заняло два года и обошлось в 640 млн рублей.

Мост соединил набережную с парком на другом берегу. Раньше жителям приходилось идти до автомобильного моста почти два километра.

«Теперь дорога до работы занимает у меня пятнадцать минут вместо сорока», — рассказала жительница района Ирина Соколова. На открытие пришли несколько тысяч человек.

Вечером мост подсвечивается, а на смотровой площадке установили скамейки и информационные стенды об истории города.

Поделиться
Подписывайтесь на наш канал"""),
 ("ru-shkola", "Школьники построили метеостанцию", """Школьники построили метеостанцию

Ученики восьмых классов школы № 12 собрали собственную метеостанцию и установили её на крыше здания. Она измеряет температуру, влажность, давление и скорость ветра каждые пять минут.

Данные передаются на сайт школы, и любой желающий может посмотреть погоду в районе в реальном времени. Проект занял первое место на областном конкурсе юных инженеров.

«Сначала у нас ничего не работало, датчик ветра показывал ураган в безветренный день», — смеётся руководитель кружка Андрей Петрович Волков. Теперь ребята хотят добавить датчик качества воздуха."""),
]

MORE = [
 ("it", "it-tram", "Il tram torna in centro dopo trent'anni", """Il tram torna in centro dopo trent'anni

Dopo quasi trent'anni di assenza, il tram è tornato a circolare nel centro storico. La nuova linea, lunga 7,5 km, collega la stazione ferroviaria all'ospedale con 14 fermate.

«È un giorno che aspettavamo da tempo», ha detto il sindaco, il dott. Paolo Ferri, durante l'inaugurazione di sabato. Secondo il Comune, la linea potrà trasportare fino a 40.000 passeggeri al giorno.

I lavori sono costati 180 mln di euro, finanziati in gran parte dal PNRR. Nei primi due mesi il biglietto costerà 1 euro.

Condividi su WhatsApp"""),
 ("pt", "pt-praia", "Praia recupera areal perdido no inverno", """Praia recupera areal perdido no inverno

A praia da Costa Nova recuperou cerca de 200 mil metros cúbicos de areia, perdidos durante as tempestades do inverno passado. A obra, que durou seis semanas, custou 3,2 milhões de euros.

«Sem esta intervenção, o mar chegaria às casas no próximo inverno», explicou o Eng. Rui Almeida, responsável pelo projeto. A areia foi retirada do canal de navegação do porto, que também precisava de ser dragado.

Os nadadores-salvadores começam a vigiar a praia a 1 de junho.

Partilhar no Facebook"""),
 ("nl", "nl-fietsen", "Gemeente geeft statushouders gratis fietsles", """Gemeente geeft statushouders gratis fietsles

De gemeente Zwolle biedt nieuwkomers vanaf volgende maand gratis fietslessen aan. In tien lessen leren deelnemers niet alleen fietsen, maar ook de verkeersregels en hoe ze veilig een rotonde oversteken.

"Wie niet kan fietsen, staat hier echt op achterstand", zegt wethouder drs. Anouk de Vries. De lessen worden gegeven door vrijwilligers van de Fietsersbond. Aan het eind krijgt iedere deelnemer een opgeknapte tweedehands fiets.

Er is plaats voor 60 deelnemers per jaar.

Deel dit artikel"""),
 ("pl", "pl-biblioteka", "Biblioteka otwarta także w niedziele", """Biblioteka otwarta także w niedziele

Od przyszłego miesiąca Miejska Biblioteka Publiczna w Toruniu będzie czynna również w niedziele, w godz. 10–16. To odpowiedź na ankietę, w której wzięło udział ponad 1,5 tys. czytelników.

„Wiele osób pracuje w tygodniu do późna i nie ma kiedy do nas przyjść", powiedziała dyrektor biblioteki, dr Anna Nowak. Dodatkowe godziny obsłużą nowo zatrudnieni pracownicy.

W niedziele odbywać się będą także zajęcia dla dzieci, m.in. głośne czytanie i warsztaty plastyczne.

Udostępnij"""),
]

def near_duplicate(text: str) -> str:
    # A republished copy: the same story with a few words changed and the footer swapped.
    return (text.replace("on Thursday", "on Thursday evening")
                .replace("roughly three times", "about three times")
                .replace("Share this article\n\nFollow us on Facebook", "Sign up for our morning briefing"))

def main():
    seed = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "seed", "article.txt")
    os.makedirs(SAMPLES, exist_ok=True)
    gz("seed-article.txt.gz", open(seed, "rb").read())

    en = b""
    for i, (slug, title, text) in enumerate(EN):
        en += line({"id": f"news-en/{slug}", "title": title, "url": f"https://example.org/en/{slug}",
                    "published": f"2026-03-{i + 1:02d}", "text": text})
    harbour = EN[0]
    en += line({"id": "news-en/en-harbour-copy", "title": harbour[1], "url": "https://example.net/syndicated/harbour",
                "published": "2026-03-01", "text": harbour[2]})                        # exact duplicate
    en += line({"id": "news-en/en-harbour-republished", "title": harbour[1], "url": "https://example.com/harbour",
                "published": "2026-03-02", "text": near_duplicate(harbour[2])})        # near duplicate
    en += line({"id": "news-en/en-mojibake", "title": "Council publishes budget", "url": "https://example.org/en/budget",
                "text": "Council publishes budget\n\nThe council\u00e2\u20ac\u2122s budget for next year doesn\u00e2\u20ac\u2122t include the new pool, the leader said. \u00e2\u20ac\u0153We will come back to it,\u00e2\u20ac\u009d she added."})
    gz("news-en.jsonl.gz", en)

    multi = b""
    for lang, articles in (("de", DE), ("fr", FR), ("es", ES), ("ru", RU)):
        for slug, title, text in articles:
            multi += line({"id": f"news-multi/{slug}", "title": title, "lang": lang,
                           "url": f"https://example.org/{lang}/{slug}", "text": text})
    for lang, slug, title, text in MORE:
        multi += line({"id": f"news-multi/{slug}", "title": title, "lang": lang,
                       "url": f"https://example.org/{lang}/{slug}", "text": text})
    de = DE[0]
    multi += line({"id": "news-multi/de-radweg-kopie", "title": de[1], "lang": "de", "url": "https://example.de/radweg",
                   "text": de[2].replace("Artikel teilen\nAlle Rechte vorbehalten", "Mehr aus der Region")})  # near duplicate
    es = ES[1]
    multi += line({"id": "news-multi/es-huerto-copia", "title": es[1], "lang": "es", "url": "https://example.es/huerto",
                   "text": es[2]})                                                                             # exact duplicate
    gz("news-multi.jsonl.gz", multi)

    # Records that must be rejected with their line, between good records that must come out. CRLF line ends.
    bad = line({"id": "bad/good-1", "text": "The first good record.\r\nIts second line ended with CRLF."}).replace(b"\n", b"\r\n")
    bad += b'{"id": "bad/truncated-json", "text": "this line stops in the middle\r\n'
    bad += line({"id": "bad/no-text", "title": "A record without its text field"})
    bad += line({"id": "bad/text-number", "text": 5})
    bad += b"\r\n"                                                         # a blank line: skipped, not a record
    bad += b'{"id": "bad/invalid-utf8", "text": "caf\xe9 cr\xe8me"}\n'     # Latin-1 bytes inside a JSON string
    bad += b'{"id": "bad/lone-surrogate", "text": "\\ud83d alone"}\n'
    bad += line({"id": "bad/good-2", "text": "The second good record, after the broken ones.", "tags": ["a", 1, None, 2.50]})
    gz("malformed.jsonl.gz", bad)

    warc_sample()
    gz("notiz-de.txt.gz", """Notiz aus dem Stadtrat

Der Stadtrat hat am Montag beschlossen, die Öffnungszeiten des Freibads in diesem Sommer bis 21 Uhr zu verlängern.\r
Die Mehrkosten von rund 40.000 Euro trägt der Förderverein.   \r
\r
\r
\r
Die Saison beginnt am 15. Mai.\u00a0Der Eintritt bleibt bei 4 Euro.
""".encode("utf-8"))

def warc_record(kind, uri, record_id, content_type, body: bytes) -> bytes:
    header = ("WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\nWARC-Date: 2026-03-05T10:00:00Z\r\n"
              "WARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
              % (kind, uri, record_id, content_type, len(body))).encode()
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as f:
        f.write(header + body + b"\r\n\r\n")
    return buffer.getvalue()

def warc_sample():
    """A small crawl in WARC form, one gzip member per record: a warcinfo record, two WET conversions (one of the
    harbour story with a site's footer) and an HTTP response with HTML, as a crawler stores them."""
    out = warc_record("warcinfo", "", "0b1c6f0e-0000-4000-8000-000000000001", "application/warc-fields",
                      b"software: winnow sample maker\r\nformat: WARC File Format 1.0\r\n")
    out += warc_record("conversion", "https://news.example.org/harbour", "0b1c6f0e-0000-4000-8000-000000000002",
                       "text/plain", (EN[0][2] + "\nCookie settings | Privacy policy | Terms of use").encode())
    out += warc_record("conversion", "https://news.example.org/bees", "0b1c6f0e-0000-4000-8000-000000000003",
                       "text/plain", EN[3][2].encode())
    html = ("<!DOCTYPE html><html><head><title>Library lends out tools</title><script>track()</script></head><body>"
            "<nav><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/local'>Local</a></nav>"
            "<article><h1>Library lends out tools as well as books</h1><p>A public library in Greyford has started "
            "lending drills, ladders, sewing machines and soil testers alongside its books.</p><p>Borrowers need only a "
            "library card &amp; items can be kept for a week.</p></article><footer>&copy; 2026 Greyford Gazette. All rights "
            "reserved.</footer></body></html>")
    response = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()
    out += warc_record("response", "https://news.example.org/library", "0b1c6f0e-0000-4000-8000-000000000004",
                       "application/http; msgtype=response", response)
    gz_raw("crawl.warc.gz", out)

def gz_raw(name, data: bytes):
    open(os.path.join(SAMPLES, name), "wb").write(data)

if __name__ == "__main__":
    main()
