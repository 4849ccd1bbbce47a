#!/usr/bin/env python3
"""Checks the links of the built book and of the repository's Markdown.

Usage: check-links.py BOOK_HTML_DIR MARKDOWN_FILE...

In the book's HTML every relative link and image must name a file of the
book, and every #fragment an id on that page. In each Markdown file (the
README, the harness notes) every relative link must name a file or folder
of the repository, and a #fragment on a Markdown page a heading there.
External links (http, https, mailto) are not followed: the machines that run
this have no internet. Exits 1 and lists every broken link.
"""
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def external(link):
    return re.match(r"^[a-z][a-z0-9+.-]*:", link) is not None


def check_book(root):
    pages = {}
    for path in root.rglob("*.html"):
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = page
    broken = []
    # mdBook's own pages (print, 404, toc) link to its theme; the chapters are what we wrote.
    for path, page in pages.items():
        if path.name in ("print.html", "404.html", "toc.html"):
            continue
        for link in page.links:
            if external(link) or link.startswith("//"):
                continue
            target, fragment = urldefrag(link)
            file = (path.parent / unquote(target)).resolve() if target else path
            if not file.exists():
                broken.append(f"{path.relative_to(root.resolve())}: {link}: no such file")
            elif fragment and file in pages and fragment not in pages[file].ids:
                broken.append(f"{path.relative_to(root.resolve())}: {link}: no #{fragment} there")
    return broken, len(pages)


def slug(heading):
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def check_markdown(path):
    text = path.read_text(encoding="utf-8")
    text_no_code = re.sub(r"```.*?```", "", text, flags=re.S)
    broken = []
    for link in re.findall(r"\]\(([^)\s]+)\)", text_no_code):
        if external(link):
            continue
        target, fragment = urldefrag(link)
        file = (path.parent / unquote(target)).resolve() if target else path.resolve()
        if not file.exists():
            broken.append(f"{path}: {link}: no such file")
        elif fragment and file.suffix == ".md":
            headings = re.findall(r"^#+ (.*)$", re.sub(r"```.*?```", "", file.read_text(encoding="utf-8"), flags=re.S), re.M)
            if fragment not in {slug(h) for h in headings}:
                broken.append(f"{path}: {link}: no heading #{fragment} there")
    return broken


def main():
    book, markdown = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    broken, count = check_book(book)
    for path in markdown:
        broken += check_markdown(path)
    for line in broken:
        print(f"broken link: {line}")
    if broken:
        sys.exit(1)
    print(f"ok: every link of {count} book pages and {len(markdown)} Markdown files resolves")


main()
