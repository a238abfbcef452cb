#!/usr/bin/env python3
"""Writes Tests/WinnowTests/Fixtures/language/lid176-reference.jsonl.gz: 3,000 texts and fastText's answers for them.

The texts are composed, with a fixed seed, from the sentences in language_fixture_sentences.py (61 languages):
single sentences, a few words, paragraphs, long documents, text with digits, URLs, e-mail addresses, hashtags and
emoji, two languages or scripts mixed, odd casing and whitespace (tabs, CR, VT, FF, NUL, newlines), and edge cases
(empty text, `</s>`, `__label__` tokens, a long token). The answers — top 3 labels and probabilities of
`lid.176.ftz` — come from the reference implementation, the `fasttext-predict` package, given the text with its
newlines replaced by spaces (its `predict` refuses newlines).

Usage: python3 Scripts/make-language-fixture.py [path/to/lid.176.ftz]   (needs `pip install fasttext-predict`)
"""
import gzip, json, os, random, sys
import fasttext
from language_fixture_sentences import SENTENCES

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
model_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "Sources", "Winnow", "Resources", "lid.176.ftz")
random_source = random.Random(176)
languages = sorted(SENTENCES)
unspaced = {"zh", "ja", "th"}
texts = []


def add(kind, language, text):
    texts.append({"kind": kind, "lang": language, "text": text})


def pick_language():
    return random_source.choice(languages)


def some_words(language):
    sentence = random_source.choice(SENTENCES[language])
    if language in unspaced:
        start = random_source.randrange(len(sentence))
        return sentence[start:start + random_source.randint(2, 8)]
    words = sentence.split()
    start = random_source.randrange(len(words))
    return " ".join(words[start:start + random_source.randint(1, 4)])


NOISE = ["2024", "3.14", "+49 30 1234567", "12:45", "№ 17", "€ 1.299,00", "$5", "100%", "1/2", "(c) 2023",
         "https://example.org/news/2024/07/article-1234.html", "www.example.com", "http://localhost:8080/?q=a&b=c",
         "info@example.net", "#news", "@someone", "😀", "👍🏽", "→", "★★★★☆", "...", "!!!", "?!", "«»", "“quoted”",
         "ISBN 978-3-16-148410-0", "COVID-19", "iPhone 15", "Wi-Fi", "e.g.", "i.e.", "10 km/h", "H2O", "C++"]
SPACES = [" ", "  ", "\t", "\r", "\x0b", "\x0c", "\x00", " \t ", "\n"]
BRANDS = ["Google", "iPhone", "Facebook", "Windows 11", "YouTube", "Netflix", "Toyota", "Coca-Cola", "BBC News", "PDF"]

for language in languages:
    for sentence in SENTENCES[language]:
        add("sentence", language, sentence)
for _ in range(600):
    language = pick_language()
    add("words", language, some_words(language))
for _ in range(500):
    language = pick_language()
    sentences = random_source.sample(SENTENCES[language], random_source.randint(2, 4))
    add("paragraph", language, random_source.choice([" ", "\n", "\n\n"]).join(sentences))
for _ in range(150):
    language = pick_language()
    sentences = [random_source.choice(SENTENCES[language]) for _ in range(random_source.randint(8, 30))]
    add("long", language, "\n\n".join(sentences))
for _ in range(600):
    language = pick_language()
    words = random_source.choice(SENTENCES[language]).split(" ")
    for _ in range(random_source.randint(1, 4)):
        words.insert(random_source.randint(0, len(words)), random_source.choice(NOISE))
    add("noisy", language, " ".join(words))
for _ in range(420):
    first, second = pick_language(), pick_language()
    if random_source.random() < 0.4:
        words = random_source.choice(SENTENCES[first]).split(" ")
        words.insert(random_source.randint(0, len(words)), random_source.choice(BRANDS))
        add("mixed", first, " ".join(words))
    else:
        add("mixed", first + "+" + second, random_source.choice(SENTENCES[first]) + " " + random_source.choice(SENTENCES[second]))
for _ in range(300):
    language = pick_language()
    sentence = random_source.choice(SENTENCES[language])
    style = random_source.randrange(4)
    if style == 0:
        sentence = sentence.upper()
    elif style == 1:
        sentence = sentence.lower()
    elif style == 2:
        sentence = "".join(random_source.choice(SPACES) if c == " " else c for c in sentence)
    else:
        sentence = random_source.choice(SPACES) + sentence + random_source.choice(SPACES)
    add("case_space", language, sentence)

EDGE = ["", " ", "\n", "\t\t", "\x00", "</s>", "hello </s> world", "Bonjour </s> tout le monde, ceci est du texte",
        "__label__en", "__label__de Hallo Welt, wie geht es dir heute?", "Guten Tag __label__fr",
        "12345 67890", "!!! ??? ...", "😀😀😀", "https://example.org/path/to/page?id=42",
        "a" * 300, "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen",
        "x", "ok", "OK", "Ja", "Да", "日本", "中文", "ไทย", "العربية", "עברית", "한국어", "Ελληνικά", "ქართული"]
for text in EDGE:
    add("edge", "", text)
while len(texts) < 3000:
    language = pick_language()
    add("words", language, some_words(language))

model = fasttext.load_model(model_path)
os.makedirs(os.path.join(root, "Tests", "WinnowTests", "Fixtures", "language"), exist_ok=True)
out_path = os.path.join(root, "Tests", "WinnowTests", "Fixtures", "language", "lid176-reference.jsonl.gz")
with gzip.GzipFile(out_path, "wb", mtime=0) as out:
    for item in texts:
        labels, probabilities = model.predict(item["text"].replace("\n", " "), k=3)
        item["labels"] = [label[len("__label__"):] for label in labels]
        item["probabilities"] = [float(p) for p in probabilities]
        out.write((json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8"))
print(len(texts), "texts in", len({l for t in texts for l in t["lang"].split("+") if l}), "languages ->", out_path)

# fastText's answers for the corpora in ../shared (the texts stay there; only ids and answers are written here).
shared = os.path.join(root, "..", "shared", "data")
if os.path.isdir(shared):
    out_path = os.path.join(root, "Tests", "WinnowTests", "Fixtures", "language", "shared-lid176-reference.jsonl.gz")
    with gzip.GzipFile(out_path, "wb", mtime=0) as out:
        def write(corpus, key, text):
            labels, probabilities = model.predict(text.replace("\n", " "), k=3)
            out.write((json.dumps({"corpus": corpus, "key": key, "labels": [l[len("__label__"):] for l in labels],
                                   "probabilities": [float(p) for p in probabilities]}) + "\n").encode("utf-8"))
        for line in gzip.open(os.path.join(shared, "news", "bbc.jsonl.gz"), "rt", encoding="utf-8"):
            record = json.loads(line)
            write("bbc", record["id"], record["text"])
        for number, line in enumerate(open(os.path.join(shared, "language", "whatlang-examples.jsonl"), encoding="utf-8"), 1):
            write("whatlang", str(number), json.loads(line)["text"])
    print("answers for ../shared ->", out_path)
