#!/usr/bin/env python3
"""Lists the dropped-letter and swapped-letter variants of the default profanity list that are English words.

WordList.DroppedLetterVariants makes, for every plain listed word of five letters or more, the misspellings with one
inner letter dropped ("bitch" -> "bich"). Some of those are English words ("wanking" -> "waking"); they must be in
WordList.DroppedLetterWords so they stay allowed; likewise WordList.SwappedLetterVariants ("bitch" -> "bicth") and WordList.SwappedLetterWords. Run this after editing Resources/profanity-en.txt and copy any new
word it prints into that set.

Needs the MIT-licensed npm package an-array-of-english-words (about 275,000 words), used only here, never shipped:
    npm install --prefix /tmp/english an-array-of-english-words@2.0.0
    python3 tools/profanity-variants.py /tmp/english/node_modules/an-array-of-english-words/index.json
"""
import json
import re
import sys

english = set(json.load(open(sys.argv[1], encoding="utf-8")))
lines = [l.strip().lower() for l in open("src/StreamChat.Core/Moderation/Resources/profanity-en.txt", encoding="utf-8")]
words = {l for l in lines if l and not l.startswith("#") and " " not in l and not l.endswith(("*", "^"))}
collisions = set()
for word in words:
    if len(word) < 5 or not re.fullmatch("[a-z]+", word):
        continue
    for i in range(1, len(word) - 1):
        if word[i] in (word[i - 1], word[i + 1]):
            continue
        variant = word[:i] + word[i + 1:]
        if variant not in words and variant in english:
            collisions.add(variant)
print("dropped:", " ".join(sorted(collisions)))
swapped = set()
for word in words:
    if len(word) < 5 or not re.fullmatch("[a-z]+", word):
        continue
    for i in range(1, len(word) - 1):
        if word[i] == word[i + 1]:
            continue
        variant = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if variant not in words and variant in english:
            swapped.add(variant)
print("swapped:", " ".join(sorted(swapped)))
