#!/usr/bin/env python3
"""Deterministic generator for data/benign_corpus.txt.

Realistic API values where a false positive hurts: names with apostrophes, prose that
uses SQL/JS words, JSON, markdown, code in comments, URLs, emails, base64, JWTs, UUIDs,
arithmetic, file names, search queries, addresses, HTML-escaped text. Everything comes
from vocabularies written here plus the hand-written tricky list in
data/benign_tricky.txt. Seeded: the same script always writes the same file.

    python3 scripts/detection/gen_benign.py            # writes data/benign_corpus.txt
"""
import base64
import hashlib
import json
import os
import random
import uuid

SEED = 20240611
rng = random.Random(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # the repository

FIRST = ["Liam", "Olivia", "Noah", "Emma", "Seán", "Aoife", "Zoë", "José", "Mary-Jane", "Jean-Luc",
         "Ngozi", "Hiroshi", "Priya", "Anders", "Fatima", "Chloé", "Björn", "Dmitri", "Léa", "Omar",
         "Grace", "Select", "Union", "Drew", "Sleepy", "Scott", "Delia", "Wanda", "Orla", "Andrea"]
LAST = ["O'Brien", "D'Angelo", "O'Neil", "D'Souza", "McDonald", "Smith", "Nguyen", "García", "Müller",
        "Van der Berg", "de la Cruz", "O'Connor", "L'Estrange", "D'Arcy", "Dell'Acqua", "N'Diaye",
        "Johnson-Smith", "Orr", "Anders", "Union", "Drop", "Select", "Wheeler", "Fromm", "Sleeper",
        "Scripps", "Alertson", "Or", "And", "Sql"]
WORDS = ("select or and drop union script alert sleep from where table order by group join insert "
         "update delete create exec execute declare null true false like having into values set case "
         "when then else end waitfor delay benchmark char concat version user database admin id "
         "name email password login the a an of to in for on with at is it this that we you they "
         "please can should would could have has had will not no yes report final draft team "
         "customer order invoice payment shipping address city country phone number total price "
         "item product review rating comment note reply thread message body title summary tag "
         "search filter sort page limit offset cursor next previous first last date time zone "
         "morning evening meeting lunch coffee project sprint release deploy server client cache "
         "window document cookie location eval prompt confirm import export shell command ping "
         "cat dir type path file folder home etc root system config settings profile account").split()
SENTENCES = [
    "Please select the size and color from the list where it says options.",
    "We can drop the meeting or move it to Friday.",
    "The union of the two sets is where the fun starts.",
    "I need more sleep and less coffee, or else.",
    "Select Comfort mattress, queen size, from the outlet store",
    "Union Pacific and BNSF are railroads.",
    "Drop me a line when you are back from Rome.",
    "Who wrote the script for that movie? I think it was O'Brien and D'Angelo.",
    "Alert: your order has shipped and will arrive Tuesday.",
    "Where do I find the delete button? The update broke it.",
    "Insert coin to continue; game over.",
    "He said \"or else\" and walked out.",
    "Choose one: red, green, or blue.",
    "Sleep well and see you tomorrow!",
    "Our table for two is by the window, from 7 to 9.",
    "It's 5-3 at half time; 1+1 still equals 2.",
    "Order by phone or email, whichever is easier.",
    "Group by team and sort by date, then export the report.",
    "You can't select from an empty list, can you?",
    "The alert() box in the old UI was annoying, we removed it.",
    "I'd like to update my address; I moved from Dublin to Cork.",
    "Set the value to null or leave it empty.",
    "If x<y and y>z then x and z are unordered.",
    "Rock 'n' roll never dies.",
    "Don't forget the 'select all' checkbox.",
    "Union members and non-members welcome; drop-in from 6pm.",
    "We're hiring: SQL developer, JavaScript engineer, and a DevOps lead.",
    "Script supervisor wanted for a short film - paid.",
    "The cat sat on the mat; the dog ran from the cat.",
    "Ping me on Slack when the build is green.",
    "Type your name and press Enter.",
    "Exec summary: revenue up 12%, costs down 3%.",
    "Declare your items at customs and wait for the delay to clear.",
    "Create an account or log in with Google.",
    "When in doubt, leave it out.",
    "A & B agreed on terms; C | D did not.",
    "Between you and me, the price is 10 or 12 dollars.",
    "1 or 2 tablespoons of sugar, to taste.",
    "Is it 'colour' or 'color'? Both are fine.",
    "Hello world -- this is a test.",
    "Meeting notes #3: follow up with Ana.",
    "Version 2.0 -- release notes below.",
    "Tom & Jerry; Bonnie & Clyde; Simon & Garfunkel",
    "It's the user's choice whether to sleep or work.",
    "Here's where we stand: 3 done, 2 left.",
    "Cost: $5 (tax incl.)",
    "Need help? Call 1-800-555-0199 or email support@example.com",
    "50% off everything this weekend!",
    "C'est la vie, n'est-ce pas?",
    "L'Oréal and D'Addario are brands.",
]
STREETS = ["Main St", "O'Connell Street", "Rue de l'Église", "Union Square", "Select Ave", "High Street",
           "Elm Road", "Calle Mayor", "Baker Street", "Church Lane", "King's Road", "Queen's Walk"]
CITIES = ["Dublin", "London", "Paris", "New York", "Coeur d'Alene", "L'Aquila", "São Paulo", "Zürich",
          "St. John's", "Martha's Vineyard", "Union City", "Orange"]
DOMAINS = ["example.com", "acme.io", "mail.example.org", "shop.example.net", "api.acme.dev", "cdn.example.com"]
TLD_PATHS = ["/search", "/products/42", "/api/v1/users", "/docs/getting-started", "/blog/2024/05/union-select-comfort",
             "/img/logo.png", "/a/b/c", "/orders", "/select", "/script.js", "/static/app.min.js"]
EXT = ["pdf", "docx", "xlsx", "png", "jpg", "csv", "txt", "tar.gz", "json", "md", "zip", "mp4"]
PRODUCTS = ["Select Comfort Sleep Number", "Union Jack T-shirt", "Drop Earrings", "Script Font Pack",
            "Alert Whistle", "SleepEasy Pillow", "Order Book", "Table & Chairs Set", "OR-Tools Guide",
            "AND Gate IC 74HC08", "Where's Waldo Book", "From Dusk Till Dawn (DVD)", "Null Island Map",
            "1=1 Poster", "Cat 5e Cable", "Ping Pong Paddle", "Shell Oil Filter", "Echo Dot"]
LANG_SNIPPETS = [
    "for (i = 0; i < n; i++) { sum += a[i]; }",
    "if (a && b || c) return x;",
    "SELECT name FROM users WHERE id = ? -- parameterised, safe",
    "const x = arr.filter(v => v > 0).map(v => v * 2);",
    "def f(x):\n    return x * 2",
    "git commit -m 'fix typo'",
    "`npm install` then `npm test`",
    "Use `Array.map` instead of a for loop",
    "x = y + 1; // increment",
    "print(\"hello, world\")",
    "time.sleep(0.5)  # back off",
    "SELECT * is slow, list the columns instead",
    "a := b or c and not d",
    "The regex is ^[a-z]+$",
    "Call foo(bar, baz) twice",
    "list.sort(key=lambda r: r['date'])",
    "docker run --rm -p 8080:8080 app",
    "Set-Cookie: session=abc; HttpOnly",
    "my_var = 'value'",
    "std::vector<int> v;",
    "Map<String, List<Integer>> m = new HashMap<>();",
    "x<y and y>z",
    "a<b>c",
    "i <3 you",
    "2 < 3 > 1",
]
MARKDOWN = [
    "# Title\n\nSome *bold* and _italic_ text.",
    "- item one\n- item two\n- item three",
    "See [docs](https://example.com/docs?page=2&sort=asc) for details.",
    "**Note:** run the migration first.",
    "> quoted text from O'Brien's email",
    "1. select a plan\n2. enter payment\n3. done",
    "| col | val |\n|---|---|\n| a | 1 |",
    "![logo](https://cdn.example.com/logo.png)",
    "`code` and ```block```",
    "~~strike~~ and <b>bold</b> and <i>it</i>",
    "<p>Hello <strong>there</strong></p>",
    "<a href=\"https://example.com/page\">link</a>",
    "Line one<br>Line two",
    "<ul><li>one</li><li>two</li></ul>",
    "&lt;b&gt;escaped&lt;/b&gt;",
    "Fish &amp; Chips",
    "5 &gt; 3 &amp;&amp; 2 &lt; 4",
    "&quot;quoted&quot; text",
    "Caf&eacute; &copy; 2024",
]


def name():
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def email():
    local = rng.choice(["john.doe", "o.brien", "jane+news", "dangelo", "select.comfort", "union.rep",
                        "admin", "drop.box", "sleepy", "a_b-c", "first.last+tag"])
    return f"{local}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}"


def url():
    scheme = "https"
    q = "&".join(f"{rng.choice(['q', 'page', 'sort', 'utm_source', 'ref', 'lang', 'filter', 'id'])}="
                 f"{rng.choice(['union', 'select', 'asc', 'desc', '2', 'en-US', 'newsletter', 'a+b', 'x%20y', 'price%3E10'])}"
                 for _ in range(rng.randint(0, 3)))
    u = f"{scheme}://{rng.choice(DOMAINS)}{rng.choice(TLD_PATHS)}"
    return u + ("?" + q if q else "")


def b64():
    raw = bytes(rng.getrandbits(8) for _ in range(rng.randint(6, 60)))
    return base64.b64encode(raw).decode()


def jwt():
    def seg(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")
    head = seg({"alg": "HS256", "typ": "JWT"})
    body = seg({"sub": str(rng.randint(1, 10**6)), "name": name(), "admin": rng.random() < 0.5})
    sig = base64.urlsafe_b64encode(hashlib.sha256(head.encode() + body.encode()).digest()).decode().rstrip("=")
    return f"{head}.{body}.{sig}"


def uid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def arith():
    a, b = rng.randint(0, 99), rng.randint(0, 99)
    return rng.choice([f"{a}-{b}", f"{a}+{b}", f"{a}*{b}", f"{a}/{b}", f"{a} - {b}", f"({a}+{b})*2",
                       f"{a}={a}", f"x={a}", f"{a}%", f"-{a}", f"{a}.{b}", f"{a},{b}", f"{a}e{b % 9}",
                       f"{a} >= {b}", f"{a}<{b}", f"{a}..{b}", f"[{a},{b}]"])


def filename():
    stem = rng.choice(["report", "report..final", "invoice_2024-05", "O'Brien CV", "select-comfort",
                       "union.budget", "script", "drop", "notes (copy)", "draft v2", "a..b"])
    return f"{stem}.{rng.choice(EXT)}"


def search():
    n = rng.randint(1, 5)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def address():
    return f"{rng.randint(1, 999)} {rng.choice(STREETS)}, Apt {rng.randint(1, 40)}, {rng.choice(CITIES)}"


def json_snippet():
    obj = rng.choice([
        {"name": name(), "age": rng.randint(18, 90)},
        {"query": search(), "page": rng.randint(1, 9), "sort": rng.choice(["asc", "desc"])},
        {"price": {"amount": rng.randint(1, 500), "currency": "USD"}, "tags": ["union", "select"]},
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"},
        {"$ref": "#/definitions/user"},
        {"filter": {"status": "open", "owner": email()}},
        {"comment": rng.choice(SENTENCES)},
        {"ok": True, "data": None, "errors": []},
    ])
    return json.dumps(obj, ensure_ascii=rng.random() < 0.5)


def phone():
    return rng.choice([f"+1 ({rng.randint(200, 999)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
                       f"+353 {rng.randint(80, 89)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                       f"0{rng.randint(100000000, 999999999)}"])


def date():
    return rng.choice([f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                       f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z",
                       f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/2024",
                       f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"])


def header_value():
    return rng.choice([
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "curl/8.5.0", "PostmanRuntime/7.37.0", "application/json; charset=utf-8",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "gzip, deflate, br", "en-GB,en;q=0.9,fr;q=0.5", "no-cache", "keep-alive",
        f"Bearer {jwt()}", f"Basic {b64()}", f"W/\"{rng.getrandbits(32):x}\"",
        "max-age=31536000; includeSubDomains", f"session={uid()}; theme=dark",
    ])


def path_segment():
    return rng.choice(["users", "orders", str(rng.randint(1, 10**6)), uid(), "select", "union", "v2",
                       "me", "search", "report..final.pdf", "index.html", "api", "drop-shipping",
                       "sleep-tracker", "script-tags", "where-to-buy", "or", "and"])


def numbers():
    return rng.choice([str(rng.randint(0, 10**9)), f"{rng.random() * 1000:.2f}", str(-rng.randint(1, 1000)),
                       f"{rng.randint(1, 9)},{rng.randint(100, 999)}.{rng.randint(10, 99)}", "0", "1", "-1", "3.14159"])


def hexish():
    return rng.choice([hashlib.sha1(str(rng.random()).encode()).hexdigest(),
                       "0x" + format(rng.getrandbits(32), "x"), "#" + format(rng.getrandbits(24), "06x")])


def prose():
    s = rng.choice(SENTENCES)
    if rng.random() < 0.3:
        s = s.lower()
    if rng.random() < 0.2:
        s = s + " " + rng.choice(SENTENCES)
    return s


# Hard negatives for the rules that look at paths, shell syntax and markup (added with the
# relative-path, $( ) substitution, disguised-scheme and tag-tail rules): values a real API
# stores that share their surface with attacks.
DOC_DIRS = ["docs", "src", "lib", "assets", "images", "components", "utils", "config", "test", "packages/core"]
DOC_FILES = ["README.md", "CHANGELOG.md", "logo.png", "index.ts", "date.js", "helpers.py", "setup.md",
             "styles.css", "main.swift", "banner.svg", "LICENSE", "guide.html"]


def relative_path():
    d, f = rng.choice(DOC_DIRS), rng.choice(DOC_FILES)
    return rng.choice([
        f"../{d}/{f}", f"../{f}", f"./{d}/{f}", f"{d}/../{f}", f"[see here](../{d}/{f})",
        f"![diagram](../{d}/{f})", f"import helper from '../{d}/{f.split('.')[0]}'",
        f"from ..{d.replace('/', '.')} import helpers", f"See {d}/../{f} for details",
        f'"$ref": "../{d}/schema.json"', f"require('../{d}/{f.split('.')[0]}')",
        f"{d}/{f}", f"/{d}/{f}", f"~/{d}/{f}", f"C:\\Users\\{rng.choice(FIRST)}\\{d.split('/')[-1]}\\{f}",
    ])


SHELL_PROSE = [
    "Tom & Jerry | Season {n}", "cats; dogs; birds", "rock & roll | jazz | blues", "sleep {n} hours; wake up early",
    "ping me at {n}:00 & I'll reply", "type: admin; level: {n}", "who & what | where & when",
    "Run the installer, then type your name", "less is more; more is less", "find the best deals | shop now",
    "date night ideas & more", "cat toys & dog beds", "set the table; light the candles",
    "time & date | settings", "head, shoulders, knees & toes", "free shipping | {n}% off",
    "id, name, email", "id;name;email;created_at", "touch base next week; call Tom",
    "sort by date | filter by id", "kill the lights & start the show", "echo chamber | news",
    "price (USD) $({n}.99)", "total: $({n})", "($(n) per month)", "copy & paste | cut",
]


def shell_prose():
    return rng.choice(SHELL_PROSE).replace("{n}", str(rng.randint(1, 99)))


MARKUP_NEGATIVES = [
    '<a href="/docs/javascript-guide">JavaScript guide</a>', '<a href="javascript-tutorial.html">tutorial</a>',
    "javascript-basics | lesson {n}", "javascript; typescript; swift", "vbscript-to-powershell migration notes",
    '{{"html":"&lt;p&gt;Hello {name}&lt;/p&gt;"}}', '{{"note":"{n} &lt; {m} &amp;&amp; {m} &gt; {n}"}}',
    '{{"text":"&quot;quoted&quot; &amp; escaped"}}', "f.write(data) > 0", "if n > 0: print(n)",
    "print(total) # should be > 0", "css: color:red; expression: none", "gene expression: high ({n}%)",
    "regular expression (regex) guide", "the expression (a + b) > c is true", 'style="color: red; margin: {n}px"',
    "<p>Price > {n}</p>", "a > b && b > c", "x => x * {n}", "alert level: {n} (high)",
    "confirm(order) before shipping", "Writes (write(2)) are buffered", "<b>bold</b> & <i>italic</i>",
    "expression:{n}", "mocha tests: {n} passing", "mocha; latte; espresso",
]


def markup_negative():
    return rng.choice(MARKUP_NEGATIVES).replace("{n}", str(rng.randint(1, 99))).replace(
        "{m}", str(rng.randint(100, 999))).replace("{name}", rng.choice(FIRST))


def rich_text():
    """HTML that rich-text editors and markdown renderers put in JSON bodies."""
    img = f'<img src="https://cdn.example.com/{rng.choice(["img", "uploads/2024"])}/{uid()[:8]}.{rng.choice(["png", "jpg", "webp"])}" alt="{rng.choice(["chart", "photo", "logo", "Our team"])}"' + rng.choice(["", ' width="600"', ' loading="lazy"']) + ">"
    return rng.choice([
        f"<p>{rng.choice(SENTENCES)}</p>{img}",
        f"<figure>{img}<figcaption>{rng.choice(SENTENCES)}</figcaption></figure>",
        f"<table><tr><th>Item</th><th>Qty</th></tr><tr><td>{rng.choice(PRODUCTS)}</td><td>{rng.randint(1, 9)}</td></tr></table>",
        f'<video controls src="https://cdn.example.com/v/{uid()[:8]}.mp4"></video>',
        f'<ul><li><input type="checkbox" checked disabled> {rng.choice(SENTENCES)}</li><li><input type="checkbox" disabled> todo</li></ul>',
        f'<img src="/uploads/{rng.randint(2019, 2025)}/{rng.randint(1, 12):02d}/{uid()[:6]}.jpg">',
        f'<details><summary>More</summary>{rng.choice(SENTENCES)}</details>',
        f'<p><a href="https://example.com/{uid()[:6]}" target="_blank" rel="noopener">link</a> and {img}</p>',
        f'<audio controls src="/media/{uid()[:6]}.mp3"></audio>',
        f'<button type="button" class="btn btn-primary">{rng.choice(["Save", "Cancel", "Next"])}</button>',
    ])


GENERATORS = [
    (name, 8), (email, 6), (url, 8), (b64, 4), (jwt, 3), (uid, 4), (arith, 5), (filename, 5), (search, 8),
    (address, 5), (json_snippet, 6), (phone, 3), (date, 3), (header_value, 5), (path_segment, 5),
    (numbers, 4), (hexish, 3), (prose, 12),
    (lambda: rng.choice(PRODUCTS), 4), (lambda: rng.choice(LANG_SNIPPETS), 4), (lambda: rng.choice(MARKDOWN), 4),
    (relative_path, 5), (shell_prose, 4), (markup_negative, 4), (rich_text, 4),
]


TOTAL = 8000  # 6,000 before the hard negatives above were added


def main():
    out = []
    seen = set()
    with open(os.path.join(ROOT, "Tests", "SightlineDetectionTests", "Data", "benign_tricky.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("##") and line not in seen:
                seen.add(line)
                out.append(line)
    population = [g for g, w in GENERATORS for _ in range(w)]
    attempts = 0
    while len(out) < TOTAL and attempts < 200000:
        attempts += 1
        v = rng.choice(population)()
        # Values are one per line: escape newlines the way a JSON log would.
        v = v.replace("\n", "\\n")
        if v not in seen:
            seen.add(v)
            out.append(v)
    with open(os.path.join(ROOT, "Tests", "SightlineDetectionTests", "Data", "benign_corpus.txt"), "w", encoding="utf-8") as f:
        for v in out:
            f.write(v + "\n")
    print(f"wrote {len(out)} values")


if __name__ == "__main__":
    main()
