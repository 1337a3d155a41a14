#!/usr/bin/env python3
"""Writes moderation-corpus.tsv: StreamChat's labelled moderation corpus (written by us).

Columns: expected (block|allow), category, text. Categories that must be blocked: profanity, spam,
pii. Categories that must pass: benign (ordinary chat), game (game talk, violent words included),
lookalike (clean text that resembles a rule: Scunthorpe words, numbers that look like personal data,
hype that looks like spam). Re-run after editing the lists; the output is deterministic.
"""
import random

rng = random.Random(20261125)
rows = []

def add(expected, category, text):
    assert "\t" not in text and "\n" not in text, text
    rows.append((expected, category, text))

# ---------------------------------------------------------------------------------------------
# Profanity: base words, sentence frames, and the disguises chat users use.
words = ["fuck", "fucking", "shit", "bitch", "asshole", "cunt", "dick", "bastard", "motherfucker",
         "bullshit", "dickhead", "whore", "slut", "pussy", "wanker", "twat", "douchebag", "retard",
         "faggot", "shitty", "jackass", "cocksucker", "dumbass", "prick"]
frames = ["{w}", "you are a {w}", "what the {w} was that", "{w}!!!", "streamer is a {w}", "lmao {w}",
          "this is {w} gameplay", "shut up {w}", "omg {w} this lag", "{w} you mods", "such a {w} move",
          "ur a {w} lol", "stop being a {w}", "{w} off already", "holy {w}"]

LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
SYM = {"a": "@", "s": "$", "i": "!"}
CYR = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "i": "і", "y": "у"}
ACC = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç"}

def leet(w): return "".join(LEET.get(c, c) if rng.random() < 0.7 else c for c in w)
def sym(w):
    out = "".join(SYM.get(c, c) for c in w)
    return out if out != w else leet(w)
def star(w):
    vowels = [i for i, c in enumerate(w) if c in "aeiou" and 0 < i < len(w) - 1]
    if not vowels: return w[0] + "*" + w[2:]
    i = rng.choice(vowels)
    return w[:i] + "*" + w[i + 1:]
def dots(w): return ".".join(w)
def spaced(w): return " ".join(w)
def dashes(w): return "-".join(w)
def repeat(w):
    i = rng.randrange(len(w))
    return w[:i] + w[i] * rng.randint(3, 7) + w[i + 1:]
def cyr(w):
    out = "".join(CYR.get(c, c) for c in w)
    return out if out != w else repeat(w)
def fullwidth(w): return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in w)
def accents(w):
    out = "".join(ACC.get(c, c) for c in w)
    return out if out != w else leet(w)
def zw(w): return "\u200b".join(w)
def upper(w): return w.upper()
def mixed(w): return "".join(c.upper() if i % 2 else c for i, c in enumerate(w))

disguises = [lambda w: w, upper, mixed, leet, sym, star, dots, spaced, dashes, repeat, cyr, fullwidth, accents, zw]
for i, w in enumerate(words):
    for d in rng.sample(disguises, 6):
        add("block", "profanity", rng.choice(frames).format(w=d(w)))

# ---------------------------------------------------------------------------------------------
# Spam: scam phrases (some disguised), links, floods, walls, zalgo.
scams = [
    "FREE V-BUCKS at the link in my bio", "free vbucks no scam", "Get FREE ROBUX now!!", "buy followers cheap and fast",
    "Want to become famous? Buy followers, primes and viewers", "Buy viewers for your stream today",
    "cheap followers, real and active", "I can promote your stream for $5", "promote your channel with us, dm me",
    "grow your channel fast with our service", "check out my channel pls", "subscribe to my channel I post daily",
    "sub to my channel and i sub back", "follow for follow?", "f4f anyone", "sub4sub", "l4l", "make money fast from your phone",
    "earn money from home, ask me how", "double your bitcoin in 24 hours", "crypto giveaway live now, send 0.1 btc",
    "ELON GIVEAWAY: send BTC and get double back", "investment opportunity, guaranteed profit", "forex signals group, dm me",
    "free nitro for everyone in chat", "claim your prize before it expires", "you have won a steam gift card",
    "click here for free skins", "click the link for a surprise", "hot singles in your area", "link in bio for my onlyfans",
    "best viewbot on the market", "stream promotion packages available", "boost your stream to the front page",
]
for s in scams:
    add("block", "spam", s)
    add("block", "spam", leet(s.lower()) if rng.random() < 0.5 else s.upper())

links = [
    "check this out bit.ly/3xYz9Q", "go to http://free-skins.gg now", "www.cheapviewers.net best prices",
    "join discord.gg/freeskins", "visit streamboost.xyz for growth", "https://tinyurl.com/claim-prize",
    "new casino bonus at luckyspin.bet", "my store: shop-skins.store", "see https://example-casino.com/bonus",
    "followers at getfollows.ru", "watch my clips at clipfarm.tv/me", "best deals on skinsale.io",
    "free gift at gift-card.click", "http://192.0.2.15/promo", "signup at earnfast.online",
    "trade here: steamtrade.co/offer", "cheap keys at keyshop.win", "my site is coolstreamer.site",
    "dm or visit promo.live", "go2 vbucks-now.com",
]
for s in links:
    add("block", "spam", s)

floods = ["a" * 40, "!" * 35, "LOL" + "L" * 30, "?" * 25, "hahahah" + "a" * 30, "w" * 45, "." * 60,
          "no" + "o" * 40 + "pe", "😂" * 16, "🔥" * 20, "💀" * 18, "🙏🏻" * 17, "🎉🥳" * 9, "❤️" * 20]
for s in floods:
    add("block", "spam", s)

walls = ["THIS STREAM IS THE BEST STREAM EVER EVERYONE SHOULD WATCH IT NOW",
         "WHY IS NOBODY LISTENING TO ME I HAVE BEEN ASKING THE SAME QUESTION FOR AN HOUR",
         "STOP PLAYING THIS BORING GAME AND PLAY SOMETHING ELSE ALREADY PLEASE",
         "EVERYONE TYPE ONE IN CHAT IF YOU WANT THE STREAMER TO PLAY RANKED",
         "I AM GOING TO KEEP TYPING IN CAPS UNTIL SOMEBODY ANSWERS MY QUESTION"]
for s in walls:
    add("block", "spam", s)

def zalgo(s):
    marks = [chr(c) for c in range(0x300, 0x36F)]
    return "".join(c + "".join(rng.choice(marks) for _ in range(rng.randint(4, 9))) if c != " " else c for c in s)
for s in ["he comes", "spam spam", "hello chat", "end is near", "look at me", "zalgo time"]:
    add("block", "spam", zalgo(s))

# ---------------------------------------------------------------------------------------------
# Personal data.
emails = ["jane.doe@example.com", "j.smith1987@gmail.com", "streamer_fan+chat@outlook.com", "Mark.Lee@company.co.uk",
          "contact@my-domain.io", "xXgamerXx@yahoo.com", "maria.garcia@correo.es", "li.wei@example.cn", "ana@proton.me",
          "BOB@EXAMPLE.ORG"]
email_frames = ["mail me at {x}", "my email is {x}", "{x} add me", "contact: {x}", "send it to {x} pls",
                "hit me up {x}", "{x}"]
for x in emails:
    for frame in rng.sample(email_frames, 2):
        add("block", "pii", frame.format(x=x))
add("block", "pii", "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ")

phones = ["(415) 555-2671", "212-456-7890", "415.555.2671", "+1 415 555 2671", "+1-212-456-7890", "4155552671",
          "+44 20 7946 0958", "+44 7700 900123", "+49 30 901820", "+49 151 23456789", "+33 1 42 68 53 00",
          "+33 6 12 34 56 78", "+91 98765 43210", "+55 11 91234-5678", "+61 412 345 678", "+61 2 9374 4000",
          "+34 612 34 56 78", "+31 6 12345678", "+81 3-1234-5678", "+39 347 123 4567", "+1 (646) 786-1234",
          "(312) 555-7890", "+48 512 345 678", "+7 912 345-67-89", "+52 55 1234 5678"]
phone_frames = ["call me {x}", "my number is {x}", "text me at {x}", "whatsapp {x}", "{x} call after 6",
                "reach me on {x}", "here's my cell {x}", "phone: {x}"]
for x in phones:
    for frame in rng.sample(phone_frames, 2):
        add("block", "pii", frame.format(x=x))

cards = ["4111 1111 1111 1111", "4012-8888-8888-1881", "5555555555554444", "5105 1051 0510 5100", "2223 0031 2200 3222",
         "378282246310005", "3714 496353 98431", "6011 1111 1111 1117", "6011-0009-9013-9424", "3530111333300000",
         "4222222222222", "4000 0566 5566 5556", "5200 8282 8282 8210"]
card_frames = ["my card is {x}", "card {x} exp 04/28", "{x} cvv 123", "use this: {x}", "visa {x}", "pay with {x}"]
for x in cards:
    for frame in rng.sample(card_frames, 2):
        add("block", "pii", frame.format(x=x))

ssns = ["219-09-9999", "078-05-1120", "536-22-1234", "457-55-5462", "123-45-6789", "401 22 7788"]
for x in ssns:
    add("block", "pii", rng.choice(["my ssn is {x}", "SSN {x}", "social security {x}", "{x} is my ssn"]).format(x=x))

ibans = ["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606",
         "ES91 2100 0418 4502 0005 1332", "NL91ABNA0417164300", "IT60 X054 2811 1010 0000 0123 456",
         "BE68 5390 0754 7034", "CH93 0076 2011 6238 5295 7", "GB82WEST12345698765432"]
for x in ibans:
    add("block", "pii", rng.choice(["send money to {x}", "IBAN {x}", "my account {x}", "donate: {x}"]).format(x=x))

ips = ["203.0.113.195", "198.51.100.23", "192.168.1.20", "10.0.0.5", "172.16.254.1", "86.12.201.7", "81.2.69.160"]
for x in ips:
    add("block", "pii", rng.choice(["my ip is {x}", "connect to {x}", "server at {x} join", "ip {x}"]).format(x=x))

# ---------------------------------------------------------------------------------------------
# Benign chat.
benign = """hello everyone!
hi chat
good evening from Germany
first time here, love the vibe
how long have you been streaming today?
what's the name of this song?
gg
W
L
lol
lmao that was hilarious
KEKW
PogChamp
LUL
monkaS
that was so clean
nice shot!
can you show your settings?
what mouse do you use?
love from Brazil
hola a todos
que buen stream
bonjour tout le monde
guten Abend zusammen
привет всем
こんにちは
안녕하세요
ciao ragazzi
I'm 25 and still learning
been watching since 2019
100k subs soon, congrats!
happy birthday streamer 🎂
rip
oof
F
that jump scare got me
chat is so wholesome today
is this ranked or casual?
what rank are you now?
when is the next stream?
see you tomorrow
I have to go, bye everyone
thanks for the stream
can you play the new map?
your voice is so calm
the music is a bit loud
audio is out of sync
stream is lagging for me
works fine for me
refresh the page
anyone else from Canada?
greetings from Kenya
what time is it there?
it's 3 am here lol
I should be sleeping
my cat is watching too
brb getting snacks
back
this game looks beautiful
the graphics are insane
is it on sale?
how much was the game?
it was $29.99 on sale
patch 14.3 changed everything
the update is 40 GB
my pc runs it at 144 fps
1080p looks fine
4k is overkill
nice setup
love the new overlay
the camera is blurry
can you zoom in?
what keyboard is that?
LETS GOOOOO
WHAT A PLAY
POGGERS
no way!
yesss
noooooooo
hahahaha
that's crazy
unbelievable clutch
chat clip that
someone clip it
mods are awesome
thanks mods
who's the artist?
the emotes are cute
I just subscribed!
thanks for the raid
welcome raiders!
hype train!!!
we did it chat
3 more subs for the goal
great job everyone
this is my favourite streamer
you deserve more viewers
I'm telling my friends
ok that's enough internet for today
does anyone know a good tutorial?
try the wiki
the patch notes are out
I disagree, the old version was better
fair point
hmm interesting
good question
I didn't know that
TIL
me too
same
agreed
nah
maybe next time
you'll get it next round
don't give up
believe
🔥🔥🔥
😂😂😂
❤️
👏👏👏
gg wp 👍
I'm crying 😭
she's so good at this
he's on fire today
they play so well together
coffee time ☕
good morning from Australia
it's raining here
stay safe everyone
take care
have a nice day
tot ziens
até amanhã
hasta luego
well played
close one
that was a close call
unlucky
so unlucky
you're improving a lot
what's your sensitivity?
800 dpi, 0.35 in game
my kd is 1.25 this season
top 500 in my region
I'm rank #3 on the server
scored 2-1 in the final
meet at 10:30?
the tournament starts 25/11/2026
version 2.14.3 is live
the price went up to €59
I paid £20 for it
see the pinned message
read the rules please
no spoilers please
what did I miss?
just got here
I'm back after a long day
love this community""".split("\n")
for s in benign:
    add("allow", "benign", s)

game = """headshot!
he's camping in the corner
nerf the sniper already
push B site
kill him!
we died again
gank top lane
that boss destroyed you
destroy them
shoot the tank first
nice clutch 1v3
ace!
he got killed by a bot lol
murdered them
you butchered that fight
blow up the bridge
the bomb is planted
defuse it
throw the grenade
knife him
finish him
fatality
revive me
I'm dead
we're all dead
wipe
team wipe incoming
the enemy is weak
attack now
retreat retreat
stab him in the back
he's one shot
burn the base down
execute the plan
assassinate the king
hunt them down
crush them
they got rekt
you smashed it
slaughter mode activated
kill streak 15
double kill
triple kill!
penta kill!!!
first blood
the dragon is up
steal baron
dive the tower
they are feeding
stop feeding
the jungler is useless
report the afk
the boss has 3.5% hp left
dps check failed
tank and spank
pull the mobs
aggro on me
heal me pls
ult is ready
use your flash
smoke mid
flash out
rush A
eco round
full buy
save your money
nice spray
recoil is crazy
1v1 me
gg ez
this build is broken
overpowered
that weapon is trash
the hitbox is huge
lag killed me
the servers are dying
respawn in 5
play safe
go go go""".split("\n")
for s in game:
    add("allow", "game", s)

lookalike = """I grew up in Scunthorpe
what a classic play
the assassin build is strong
cockpit view please
greetings from Sussex
my therapist says hi
reading Dickens tonight
shiitake mushrooms are great
that cocktail looks good
Hancock is a great movie
assess the situation first
I assume you meant the other one
nice assist
the bassist is amazing
touch grass
glass cannon build
you shall not pass
this class is fun
cucumber salad for dinner
Arsenal won yesterday
Matsushita made that tv
spicy take but ok
a niggling injury
don't snigger
peacock feathers
the documents are on the desk
he is a titan
Essex is nice in summer
analysis paralysis
button mashing
buttress the walls
grape juice
skill issue
mass effect 2
middlesex
therapeutic
homework time
Shitake is spelled wrong
cumulative damage
magna cum laude
cocker spaniel
hancock tower
Dickinson poems
scrapbook
passionate players
ambassador skin
klassisch
shell shock
a hell of a game
damn that was close
crap I missed
that's a pisser
order 4111 1111 1111 1112 shipped
1234 5678 9012 3456 is not a card
my score is 1234567890123
it costs $1,299.99
see you at 10:30 in 2026
running version 10.0.401
upgrade to version 1.2.3.4 now
gg 3-2
@streamer hello
order #4155552671 arrived
ticket 2125551234 closed
build 10.0.19045.3693
ISBN 978-3-16-148410-0
coordinates 40.7128, -74.0060
tracking 1Z999AA10123456784
final score 3-1
the years 1999-2005 were great
born 1990-04-12
2026-11-25 is the date
it was 12/25/2024
kd ratio 2.35 over 1000 games
1v1 me at 5pm, 1080p60
call of duty 4 was the best
5 dollars well spent
level 60 reached
100000 damage dealt
999999 gold
12345 is my pin? just kidding
room 404
use 8.8.8.8 as your dns
the 300.1.2.3 trick
ip of the server? ask the admin
email the devs about it
my email is on my profile
phone died, back now
call me maybe
send me a dm
free to play game
the free weekend is great
follow the stream for updates
link in the description?
check out the new map
giveaway at 100k?
click the heads to win
I'll buy the battle pass
subscribe if you like it, streamer said
LETS GO
W STREAMER
GG GG GG
noooooooooooooooo
hahahahahahahahaha
lolololololol
wwwwwwwww
🔥🔥🔥🔥🔥
😂😂😂😂😂😂
!!!!!!!!!!
??????
HOLY MOLY
OMG OMG OMG
e.g. this one
i.e. the boss
vs.
etc.
mr. streamer
the ___ blank
...
:)
:D
<3
o7
^^
-_-
¯\\_(ツ)_/¯
Tiếng Việt có dấu rất đẹp
नमस्ते दोस्तों
Ελληνικά γράμματα
Москва это город
Привет, как дела?
日本語のチャット
한국어 채팅""".split("\n")
for s in lookalike:
    add("allow", "lookalike", s)

# ---------------------------------------------------------------------------------------------
# A second batch, written after the rules were tuned on the lines above and scored as it came out.
heldout_block = {
    "profanity": """fuk this game
wtf is this shit
you're such a fking idiot... fucking hell
STFU you little bitch
go f yourself, asshole
sh!tty stream tbh
this is bullsh1t
ur mom is a wh0re
d1ckhead streamer
what a c*nt
absolute p.r.i.c.k
stop being a d0uchebag
fuuuuuuuck
FUUUUCK
biiiiitch
get rekt you b!tch
that's some horse shit... horseshit
mothafucka
muthafucking lag
what the f u c k
kys loser
dumb@ss move
Fück dich
eat sh1t
son of a b1tch
you r3tard
sluuuut
ＢＩＴＣＨ
cunnnnt
nice one dickhead""".split("\n"),
    "spam": """FREE V BUCKS!!! FREE V BUCKS!!!
get 1k followers for $3
buy twitch followers and viewers here
Best viewers on streamboost dot xyz, promote your stream
discord.gg/nitro-free claim now
bitcoin giveaway! send 0.05 btc, receive 0.1
need more viewers? promote your channel with us
subscribe to my channel for a shoutout
free robux generator 2026
check out my channel, I stream too
Make money fast, DM me
visit http://bit.ly/freegift
go to freeskins.ru for free knives
SUB4SUB anyone???
$$$ make money from home $$$
f r e e  v b u c k s
😍😍😍😍😍😍😍😍😍😍😍😍😍😍😍😍😍
BUY FOLLOWERS BUY FOLLOWERS BUY FOLLOWERS
hey guys check out my onlyfans link in bio
click here to claim your prize""".split("\n"),
    "pii": """email me: tom.hanks1@gmail.com
my mail is ALEX_99@HOTMAIL.COM
reach me at lisa+stream@icloud.com
my phone is 415-555-2671
my number: (212) 456-7890
call +1 650 253 0000
+44 20 7946 0958 is my office
ring me on +49 30 901820
my cc is 4111111111111111
card: 5555-5555-5555-4444
amex 3782 822463 10005
SSN 078-05-1120
iban: DE89370400440532013000
send to GB82 WEST 1234 5698 7654 32
my ip 81.2.69.142 ddos me if u can
server ip 45.33.32.156
text me 312 555 7890 after the stream
+33 6 12 34 56 78 whatsapp
4012 8888 8888 1881 exp 12/27 cvv 321
my discover 6011 0009 9013 9424""".split("\n"),
}
for category, lines in heldout_block.items():
    for line in lines:
        add("block", category, line)

heldout_allow = """that clutch was insane
who else is watching from Italy?
the boss fight at 2:35 was epic
I got 3 kills in 10 seconds
damn that's crazy
what a shot!
my favourite weapon is the shotgun
this map is huge
how many hours do you have in this game?
about 1,200 hours
I paid 59.99 for the deluxe edition
running on a 3080 at 1440p
fps drops to 45 sometimes
add me in game: DarkKnight99
my friend code is 1234-5678-9012
see you at 8 pm EST
the stream starts 19:00 CET
patch 1.0.4 broke everything
version 3.2.1.0 is out
the scoreboard says 13-11
we won 16-14
world record is 1:23.456
I was born in 1998
my birthday is 12/08
the year 3000
the assassin's creed series
classic mode please
cockpit camera is better
the Sussex accent is funny
my therapist recommended this stream
Scunthorpe United won!
hello from Middlesex
nice cocktail recipe
a peacock in the background?
shiitake risotto tonight
Dick Grayson is the best Robin
Moby Dick is a great book
kill the final boss
I'm gonna murder this level
the dragon destroyed us
you got absolutely destroyed
lmaooo
LMAOOOOOO
HAHAHAHA
ok ok ok
yesssssssss
NOOOOOOOO
😭😭😭
🙏🙏
GG EZ
W chat
free pizza at my place lol
I'll follow you on twitter
subscribe button is broken for me
the giveaway winner is announced
click the button on the left
link the build please
what's the discord?
can i get a shoutout?
i'm new to streaming, any tips?
how do you make money streaming?
my bitcoin went up today
investing in stocks is risky
my phone number changed, so I missed the alert
email notifications are broken
ip ban? what did he do
the server's ip is in the discord
1.1.1.1 is my dns
Привет из России
Bonjour de Paris
Saludos desde México
Grüße aus Berlin
Pozdrowienia z Polski
Merhaba arkadaşlar
Xin chào mọi người
สวัสดีครับ""".split("\n")
for line in heldout_allow:
    add("allow", "lookalike" if any(ch.isdigit() for ch in line) else "benign", line)

with open("moderation-corpus.tsv", "w", encoding="utf-8") as f:
    f.write("# StreamChat moderation corpus: expected<TAB>category<TAB>text. Generated by generate_corpus.py.\n")
    for expected, category, text in rows:
        f.write(f"{expected}\t{category}\t{text}\n")

from collections import Counter
print(Counter((e, c) for e, c, _ in rows))
print(len(rows))
