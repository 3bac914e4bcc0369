"""The demo site's pages: Cedar Hollow Bakery, a fictional two-shop bakery, with real SEO problems.

Planted problems (what the audit should find), by page:

- every page: plain HTTP, no security headers; nav links to ``/specials/`` (a 301 → 302 → 200
  redirect chain) and ``/gift-cards/`` (answers 500); footer links to ``/admin/login/``, which
  robots.txt disallows; robots.txt blocks GPTBot.
- ``/`` hreflang to ``/fr/`` with an invalid code (``en-UK``), no ``x-default``; ``/fr/`` does
  not link back (return link missing).
- titles: ``/menu/breads/`` and ``/menu/pastries/`` share one; ``/catering/weddings/`` and
  ``/blog/our-new-riverside-shop/`` are too long; ``/blog/why-we-use-heritage-grains/`` is empty;
  ``/accessibility/`` is too short.
- descriptions: missing on ``/about/history/``, ``/privacy/``, ``/terms/``; too long on
  ``/catering/corporate/``; duplicated on the two market/rye posts and on ``/wholesale/``.
- headings: no h1 on ``/locations/riverside/``; two h1 on ``/classes/kids-baking/``; h1 → h4 on
  ``/locations/old-town/``.
- links: ``/blog/how-to-feed-a-sourdough-starter/`` → 404; ``/menu/seasonal/`` and
  ``/blog/gluten-free-baking-at-home/`` → 410 ``/menu/gluten-free/``; ``/old-menu/`` redirects;
  a nofollow internal link and an image link without alt (empty anchor).
- content: ``/menu/sourdough/`` and ``/menu/sourdough-loaf/`` are duplicates without canonical;
  ``/blog/holiday-hours-2024/`` and ``/accessibility/`` are thin; ``/order/`` shows its content
  only after JavaScript runs.
- indexability: ``/thank-you/`` is noindex but in the sitemap and linked; canonical missing on
  ``/privacy/``, ``/terms/`` and the sourdough pair; relative canonical on the croissant post;
  canonical to a 404 on the autumn menu post; the sitemap lists a redirect and a 410.
- ``/events/summer-fair-2023/`` is in the sitemap but linked from nowhere (orphan).
- structured data: broken JSON-LD on ``/classes/sourdough-101/``; an Event missing fields on
  ``/classes/``.
- images without alt on ``/menu/coffee/`` and ``/blog/behind-the-scenes-4am/``; an http:// image
  (mixed content once the site moves to HTTPS) on ``/catering/``; an http:// form on ``/contact/``.
- ``/blog/meet-our-head-baker/`` lacks the viewport and lang; ``/catering/quote/`` is slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ORIGIN = "https://www.cedarhollowbakery.example"
"""The site's production origin as written in the files; the demo server rewrites it."""

NAV: tuple[tuple[str, str], ...] = (
    ("Home", "/"),
    ("Menu", "/menu/"),
    ("Seasonal specials", "/specials/"),
    ("Order online", "/order/"),
    ("Catering", "/catering/"),
    ("Classes", "/classes/"),
    ("Locations", "/locations/"),
    ("Blog", "/blog/"),
    ("About", "/about/"),
    ("Contact", "/contact/"),
    ("Gift cards", "/gift-cards/"),
)

SITEMAP_EXTRA: tuple[str, ...] = ("/specials/", "/menu/gluten-free/")
"""URLs listed in the sitemap that are not pages of their own (a redirect and a 410)."""


@dataclass(frozen=True, slots=True)
class DemoPage:
    """One HTML page. ``canonical``: ``"self"``, ``None`` (missing) or a literal href."""

    path: str
    title: str | None
    description: str | None
    h1: str | None
    body: str
    canonical: str | None = "self"
    robots: str | None = None
    lang: str | None = "en"
    viewport: bool = True
    hreflang: tuple[tuple[str, str], ...] = ()
    json_ld: dict[str, Any] | str | None = None
    head: tuple[str, ...] = ()
    script: str = ""
    in_sitemap: bool = True
    aside: bool = True


BAKERY_LD = {
    "@context": "https://schema.org",
    "@type": "Bakery",
    "name": "Cedar Hollow Bakery",
    "url": f"{ORIGIN}/",
    "telephone": "+44 1632 960418",
    "address": {
        "@type": "PostalAddress",
        "streetAddress": "14 Mill Lane",
        "addressLocality": "Millbrook",
        "postalCode": "MB4 2QT",
        "addressCountry": "GB",
    },
    "openingHours": "Tu-Su 07:00-16:00",
    "servesCuisine": "Bakery",
}

SOURDOUGH_BODY = """
Our sourdough is the loaf that started it all. Every batch begins with Old Martha, the starter
Eleanor Price brought back from a farmhouse in Normandy in 1987 and has fed every morning since.
We mix a stiff levain the night before, then combine it with stoneground wheat from Hartley Mill,
a little wholemeal rye and water drawn from our own well.

## How we bake it

The dough rests for thirty-six hours in total. It is folded by hand four times during the first
fermentation, divided and shaped on the wooden bench, then left in linen-lined bannetons in the
cold room overnight. That long, cool proof is what gives the crumb its glossy, open structure and
the gentle tang our regulars ask for by name.

We bake on the stone floor of the deck oven at 250 degrees with a burst of steam, and we take the
loaves out only once the crust has turned a deep mahogany and sings as it cools on the racks.

## Sizes and prices

- Small boule (500 g) — £4.20
- Large boule (900 g) — £6.40
- Sandwich tin (800 g), sliced on request — £5.80
- Seeded sourdough with sunflower, pumpkin and linseed — £6.80

## Keeping it fresh

Keep your loaf cut side down on a wooden board and it will stay good for three or four days. It
freezes beautifully: slice it first, freeze it in a bag and toast straight from the freezer.
Stale ends make the best croutons and panzanella, so please do not throw them away.

Sourdough is baked daily at both shops and is usually gone by early afternoon on Saturdays.
Order online by 6pm and we will keep one back for you.
"""

PAGES: tuple[DemoPage, ...] = (
    DemoPage(
        path="/",
        title="Cedar Hollow Bakery | Sourdough & Pastries in Millbrook",
        description=(
            "Family bakery in Millbrook since 1987: slow-fermented sourdough, butter croissants, "
            "celebration cakes, catering and baking classes. Order online for collection."
        ),
        h1="Real bread, baked slowly in Millbrook",
        hreflang=(("en-UK", "/"), ("fr", "/fr/")),
        json_ld=BAKERY_LD,
        body="""
Welcome to Cedar Hollow Bakery. For more than thirty-five years we have been baking bread the
long way round: natural leaven, flour milled twenty miles up the valley, and time. Lots of time.
Our doors on Mill Lane open at seven, and by then the first sourdough has been out of the oven
for an hour.

## Baked this morning

- <a href="/menu/sourdough/">Country sourdough</a>, proved for thirty-six hours
- <a href="/menu/pastries/">Butter croissants and pain au chocolat</a>, laminated by hand
- <a href="/menu/cakes/">Celebration cakes</a> made to order with a week's notice
- <a href="/menu/coffee/">Coffee from Foundry Roasters</a>, pulled on a lever machine

## Feeding Millbrook, one loaf at a time

We are a small team of twelve bakers, baristas and shop staff, and we still do things by hand:
every croissant is rolled on the marble, every loaf is scored with a razor. We bake what sells
out and no more, and at closing time what is left goes to the Millbrook community larder.

Need bread for a wedding, an office breakfast or a street party? Our
<a href="/catering/">catering team</a> bakes for events from twenty to two hundred people, and our
<a href="/classes/">weekend classes</a> will have you shaping your own loaves in a single morning.

## Visit us

Find us on Mill Lane in the old town, or at our newer <a href="/locations/">Riverside shop</a> on
Quay Street. Short of time? <a href="/order/">Order online</a> before 6pm and collect the next
morning. Read our <a href="/blog/">baker's journal</a> for recipes, news and the odd confession
from the early shift.
""",
    ),
    DemoPage(
        path="/about/",
        title="About Cedar Hollow Bakery | Our Story and Values",
        description=(
            "How a farmhouse starter and a borrowed oven became Millbrook's favourite bakery: "
            "our story, our people and the values we bake by."
        ),
        h1="About us",
        body="""
Cedar Hollow Bakery began in 1987, when Eleanor Price rented a corner of a disused mill on Mill
Lane, borrowed a second-hand deck oven from a retiring baker in Hartley and started selling
sourdough from a trestle table. Her first week she sold forty loaves. Her second week she sold
none, because the oven broke. She fixed it herself, and the bakery has opened every morning since.

## What we believe

We believe bread should be made from few, good ingredients and given the time it needs. We buy
our flour from mills we can drive to, our butter from a dairy in the next county, and our eggs
from a farm whose hens we have met. We pay our bakers properly and we do not run night shifts
longer than eight hours.

## Who we are today

Today Eleanor's daughter Ruth runs the business with head baker Tomasz Nowak, who joined as an
apprentice in 2004. Meet the rest of us on <a href="/about/team/">our team page</a>, or read the
<a href="/about/history/">longer history</a> of the mill building and the bakery.

## Looking after Millbrook

Every evening our unsold bread goes to the Millbrook community larder and to two local schools.
We run free bread-making sessions for the Millbrook youth club each spring, and we have been a
living-wage employer since 2015. If you would like to work with us, take a look at our
<a href="/careers/">current vacancies</a>.
""",
    ),
    DemoPage(
        path="/about/team/",
        title="Meet the Team | Cedar Hollow Bakery, Millbrook",
        description=(
            "The bakers, pastry chefs and baristas behind Cedar Hollow Bakery, from our head "
            "baker Tomasz to Priya, who makes every celebration cake by hand."
        ),
        h1="Meet the team",
        body="""
Twelve people keep Cedar Hollow running, from the 3:30am mixing shift to the last coffee of the
afternoon. Here are a few of the faces you will see behind the counter.

## Ruth Price, owner

Ruth grew up above the shop and learned to shape baguettes before she could ride a bike. After
ten years as a hospital pharmacist she came home in 2012 to run the bakery with her mother, and
she now looks after everything from the accounts to the window displays.

## Tomasz Nowak, head baker

Tomasz joined as an apprentice in 2004 and never left. He is responsible for every loaf that
leaves the ovens, for our long-fermentation recipes and for Old Martha, the starter. Read more in
<a href="/blog/meet-our-head-baker/">our interview with Tomasz</a>.

## Priya Shah, pastry and cakes

Priya trained in Lyon and ran a patisserie stall at Millbrook market before joining us in 2018.
She makes all our celebration and wedding cakes and teaches the pastry classes on Sunday
mornings.

## Sam Okafor, coffee and front of house

Sam looks after our coffee programme with Foundry Roasters and trains every new barista. If your
flat white is perfect, thank Sam; if it is not, please tell Sam.

## The rest of us

Behind them are six bakers, two shop assistants and our delivery driver, Gwen, who has driven the
same blue van around Millbrook every morning since 2009.
""",
    ),
    DemoPage(
        path="/about/history/",
        title="Our History: From Old Mill to Bakery | Cedar Hollow",
        description=None,
        h1="A short history of the mill and the bakery",
        body="""
The building on Mill Lane was a working corn mill from 1821 until 1958. Its wheel turned on the
Cedar Brook, which still runs under the courtyard, and the miller's family lived in the rooms that
are now our flour store and office.

## The empty years

After the mill closed the building was used as a furniture warehouse and then stood empty for most
of the 1970s. Local children called it the hollow, and when Eleanor Price took the lease in 1987
the name stuck: Cedar Hollow, after the brook and the nickname.

## 1987–2000: a trestle table and a deck oven

The first bakery was one room, one oven and one baker. Eleanor sold sourdough, rye and fruit
loaves from a trestle table at the door three days a week, and by 1990 she had two apprentices and
a shop counter. In 1996 the bakery won the regional Real Bread award for its country sourdough.

## 2000–today

The croissants arrived in 2003, the coffee machine in 2010 and the baking school in 2016, when we
restored the old grain loft as a classroom. In 2023 we opened our second shop on Quay Street in
the Riverside development, with a small bakery of its own so that the bread there is baked on site.

We still have the original mill stones. One sits in the courtyard, and the other is the counter
you pay at.
""",
    ),
    DemoPage(
        path="/contact/",
        title="Contact Cedar Hollow Bakery | Opening Hours & Address",
        description=(
            "Find our shops on Mill Lane and Quay Street, check opening hours, or send us a "
            "message about orders, catering, classes or wholesale."
        ),
        h1="Contact us",
        body="""
We love hearing from you, whether it is a question about allergens, a catering enquiry or a note
about the best cinnamon bun you have ever had. The quickest way to reach us is by phone during
opening hours; messages sent through the form below are answered within two working days.

## Our shops

- Mill Lane (the original bakery): 14 Mill Lane, Millbrook MB4 2QT. Tuesday to Sunday, 7am–4pm.
- Riverside: 3 Quay Street, Millbrook MB4 7HL. Every day, 7am–6pm.

Parking is free for thirty minutes in the Mill Lane courtyard. The Riverside shop is a five-minute
walk from Millbrook station and has cycle racks outside.

## Send us a message

<form action="http://forms.cedarhollowbakery.example/contact" method="post">
  <label>Your name <input name="name" required></label>
  <label>Email <input name="email" type="email" required></label>
  <label>Message <textarea name="message" rows="5"></textarea></label>
  <button type="submit">Send</button>
</form>

After sending, you will see our <a href="/thank-you/">thank-you page</a>. For orders for the next
day, please <a href="/order/">order online</a> instead: phone and email orders cannot be
confirmed outside opening hours.

## Press and partnerships

Journalists and event organisers can reach Ruth directly at press@cedarhollowbakery.example.
""",
    ),
    DemoPage(
        path="/thank-you/",
        title="Thank You for Your Message | Cedar Hollow Bakery",
        description=(
            "Thanks for getting in touch with Cedar Hollow Bakery. We answer every message "
            "within two working days; for urgent orders, please call the shop."
        ),
        h1="Thank you!",
        robots="noindex, follow",
        body="""
Thank you for your message. It has reached the bakery and one of us will reply within two working
days, usually much sooner. If your question is about an order for tomorrow, please call the shop
on 01632 960 418 between 7am and 4pm, because we cannot always check messages during the morning
rush.

While you wait, why not browse <a href="/menu/">this week's menu</a>, book a place on one of our
<a href="/classes/">weekend baking classes</a>, or read the latest posts on the
<a href="/blog/">baker's journal</a>? Our most popular recipe, the
<a href="/blog/how-to-feed-a-sourdough-starter/">guide to feeding a sourdough starter</a>, has
helped thousands of home bakers keep their starters alive.

## Opening hours

The Mill Lane bakery is open Tuesday to Sunday from 7am to 4pm, and the Riverside shop on Quay
Street is open every day from 7am to 6pm. Both shops close on Christmas Day, Boxing Day and New
Year's Day; see our <a href="/blog/holiday-hours-2024/">holiday hours</a> for details.

We look forward to seeing you soon, and to baking something good for you.
""",
    ),
    DemoPage(
        path="/menu/",
        title="Our Menu | Bread, Pastries, Cakes & Coffee | Cedar Hollow",
        description=(
            "This week's menu at Cedar Hollow Bakery: sourdough and rye breads, croissants and "
            "buns, celebration cakes, seasonal bakes and speciality coffee."
        ),
        h1="Our menu",
        body="""
Everything on our menu is baked on the premises, from scratch, every day. Quantities are limited
and popular items sell out, so if you have your heart set on something, <a href="/order/">order
online</a> before 6pm the day before and we will keep it for you.

## Browse by section

- <a href="/menu/breads/">Breads</a>: sourdough, rye, spelt, baguettes and tin loaves
- <a href="/menu/pastries/">Pastries</a>: croissants, pain au chocolat, cinnamon buns and Danish
- <a href="/menu/cakes/">Cakes</a>: slices, tarts and celebration cakes made to order
- <a href="/menu/seasonal/">Seasonal bakes</a>: what the season and the farms give us
- <a href="/menu/coffee/">Coffee and drinks</a>: espresso, filter, tea and hot chocolate

## Allergens

All our products are made in a kitchen that handles wheat, rye, spelt, milk, eggs, nuts, sesame
and soya. We label the fourteen major allergens on every item in the shop and online, and our
staff can show you the full ingredients list for anything we sell. Sadly we cannot guarantee that
any product is free from traces of gluten or nuts.

## Prices

Prices shown in the shop and online include VAT where it applies. Loaves are priced by size, and
we offer a ten per cent discount on standing weekly orders of five loaves or more. Last year's
menu, with its old prices, has moved; please do not use the <a href="/old-menu/">old menu page</a>.
""",
    ),
    DemoPage(
        path="/menu/breads/",
        title="Menu | Cedar Hollow Bakery",
        description=(
            "Slow-fermented sourdough, dark rye, spelt, baguettes and tin loaves, baked daily "
            "at Cedar Hollow Bakery with flour from Hartley Mill."
        ),
        h1="Breads",
        body="""
Our breads are the heart of the bakery. Every loaf is made with natural leaven or a long-fermented
pre-ferment, shaped by hand and baked on the stone floor of our deck ovens. We use stoneground
flour from Hartley Mill, rye from a farm co-operative in the Borders, and sea salt from Anglesey.

## Every day

- <a href="/menu/sourdough/">Country sourdough</a> — our signature loaf, 36 hours from mix to oven
- Seeded sourdough — sunflower, pumpkin and golden linseed
- Dark rye — 100% rye with caraway, dense and keeps for a week
- Baguette — crisp and light, baked three times a day at Riverside
- White tin — for toast and sandwiches, sliced on request

## Weekends only

- Spelt and honey — soft, nutty, made with Millbrook honey
- Olive and rosemary fougasse — the one that disappears by ten o'clock
- Walnut and raisin — a Saturday loaf that is excellent with cheese

## Tips from the bakers

Store bread in a linen bag or cut side down on a board rather than in the fridge, which makes it
stale faster. Most of our loaves freeze well once sliced. If you want to learn to bake them at
home, our <a href="/classes/sourdough-101/">Sourdough 101 class</a> runs every month.
""",
    ),
    DemoPage(
        path="/menu/pastries/",
        title="Menu | Cedar Hollow Bakery",
        description=(
            "Hand-laminated croissants, pain au chocolat, cardamom buns and seasonal Danish "
            "pastries, baked fresh every morning at both Cedar Hollow shops."
        ),
        h1="Pastries",
        body="""
Our pastry dough is laminated by hand with cultured butter from Bramble Farm dairy. It takes three
days from mixing to baking: the dough rests overnight, is folded with butter on the second day and
is shaped, proved and baked on the third. It is slow, but you can taste the difference.

## Viennoiserie

- Butter croissant — £2.60
- Pain au chocolat — £2.90
- Almond croissant, twice-baked with frangipane — £3.40
- Ham and Gruyère croissant — £4.20

## Buns and Danish

- Cardamom bun — our Scandinavian-style knot, £2.80
- Cinnamon bun with brown-butter glaze — £2.80
- Seasonal fruit Danish with vanilla custard — £3.20
- Pain aux raisins — £2.90

## When to come

Pastries come out of the oven at 7am and again at 10am on weekends. The almond croissants are made
from yesterday's croissants, so there are only ever a few of them: come early. If you would like
to learn lamination yourself, Priya teaches a pastry class once a month; see our
<a href="/classes/">classes page</a> for dates, or read her guide to
<a href="/blog/the-perfect-croissant-lamination/">croissant lamination</a>.
""",
    ),
    DemoPage(
        path="/menu/cakes/",
        title="Cakes and Celebration Cakes | Cedar Hollow Bakery",
        description=(
            "Cake slices, fruit tarts and made-to-order celebration cakes from Cedar Hollow "
            "Bakery. Order a birthday or anniversary cake with a week's notice."
        ),
        h1="Cakes",
        body="""
Priya and the pastry team bake a changing selection of cakes and tarts every day, and make
celebration cakes to order. Everything is made with free-range eggs, Bramble Farm butter and
fruit from local growers when it is in season.

## In the shop every day

- Lemon and poppy seed loaf — £3.20 a slice
- Chocolate and olive oil cake — £3.60 a slice
- Victoria sponge with raspberry jam and vanilla cream — £3.40 a slice
- Seasonal fruit frangipane tart — £3.80 a slice
- Millionaire's shortbread — £2.90

## Celebration cakes

Our celebration cakes serve from eight to sixty people and come in three styles: the classic
Victoria, a rich chocolate fudge, and a lemon and elderflower sponge with Swiss meringue
buttercream. Decorations are simple and seasonal: fresh flowers, fruit and hand-piped lettering.

Please give us at least seven days' notice, or four weeks for anything over thirty portions.
Prices start at £38 for an eight-inch cake. Wedding cakes are handled by our catering team; see
<a href="/catering/weddings/">wedding cakes and catering</a> for details.

## Allergies

We can make any of our cakes without nuts, but not in a nut-free kitchen. We do not currently
offer gluten-free celebration cakes.
""",
    ),
    DemoPage(
        path="/menu/sourdough/",
        title="Country Sourdough | Cedar Hollow Bakery",
        description=(
            "Our signature country sourdough: natural leaven, Hartley Mill flour and a "
            "36-hour ferment. Sizes, prices and how to keep it fresh."
        ),
        h1="Country sourdough",
        canonical=None,
        body=SOURDOUGH_BODY,
    ),
    DemoPage(
        path="/menu/sourdough-loaf/",
        title="Sourdough Loaf | Cedar Hollow Bakery",
        description=(
            "The Cedar Hollow sourdough loaf: naturally leavened, slow-fermented and baked on "
            "stone. Available in three sizes at both shops."
        ),
        h1="Country sourdough",
        canonical=None,
        body=SOURDOUGH_BODY,
    ),
    DemoPage(
        path="/menu/seasonal/",
        title="Seasonal Bakes This Autumn | Cedar Hollow Bakery",
        description=(
            "Autumn at Cedar Hollow: apple and blackberry tarts, pumpkin loaves, spiced buns "
            "and the first stollen of the year. Baked while the season lasts."
        ),
        h1="Seasonal bakes",
        body="""
Our seasonal menu changes every six weeks or so, following what the orchards and farms around
Millbrook have to give. This autumn we are baking with Bramley apples from Ashcombe orchard,
blackberries picked by the Millbrook scouts, and squash from the allotments behind the Riverside
shop.

## This autumn

- Apple and blackberry frangipane tart
- Pumpkin and maple loaf with toasted seeds
- Spiced pear Danish with brown-butter custard
- Chelsea buns with cinnamon and orange peel
- From mid-November: stollen and mince pies

## Gluten-free bakes

Last year we trialled a small range of gluten-free bakes. Because our kitchen handles so much
flour we could not make them safely enough, and we have stopped. The old
<a href="/menu/gluten-free/">gluten-free menu</a> is kept for reference only.

## Seasonal specials

Every month we also run a small offer on one of our seasonal bakes. See the current
<a href="/specials/">seasonal specials</a> for this month's deal, and follow the
<a href="/blog/autumn-menu-preview/">autumn menu preview</a> on the blog for recipes and the
stories behind the bakes.
""",
    ),
    DemoPage(
        path="/menu/coffee/",
        title="Coffee, Tea and Hot Drinks | Cedar Hollow Bakery",
        description=(
            "Espresso, filter and seasonal coffee from Foundry Roasters, loose-leaf tea and "
            "proper hot chocolate, served at both Cedar Hollow shops."
        ),
        h1="Coffee and drinks",
        body="""
<p><img src="/images/espresso-machine.png" width="640" height="420"></p>

Our coffee comes from Foundry Roasters, a small roastery in the old foundry on the far side of
town. Sam visits them every fortnight to taste the new lots, and our house espresso changes with
the seasons: at the moment it is a washed Colombian from the Huila region, with notes of red apple,
caramel and cocoa.

## Espresso and milk

- Espresso — £2.20
- Flat white — £3.20
- Cappuccino or latte — £3.30
- Oat, soya and whole milk at no extra charge

## Filter and tea

We brew a single-origin filter coffee in batches through the morning, and serve loose-leaf tea
from Millbrook Tea Company: breakfast blend, Earl Grey, green sencha and fresh mint.

<p><img src="/images/latte-art.png" width="640" height="420"></p>

## Hot chocolate

Our hot chocolate is made with 70% dark chocolate melted into steamed milk, not powder. Children's
portions come with a marshmallow and no coffee anywhere near them.

## Pairings

Not sure what goes with what? Read our guide to
<a href="/blog/coffee-pairings-for-pastries/">coffee and pastry pairings</a>.
""",
    ),
    DemoPage(
        path="/catering/",
        title="Bakery Catering for Events | Cedar Hollow Bakery",
        description=(
            "Breakfast platters, sandwich lunches, sharing boards and wedding cakes for events "
            "of 20 to 200 people across Millbrook and the valley."
        ),
        h1="Catering",
        body="""
<p><img src="http://cdn.cedarhollowbakery.example/photos/catering-spread.png" \
alt="A catering table with bread, pastries and fruit" width="800" height="450"></p>

From a breakfast meeting for twenty to a wedding for two hundred, our catering team brings the
bakery to you. Everything is baked the morning of your event and delivered in our own van within
fifteen miles of Millbrook.

## What we cater

- Breakfast platters: mini croissants, pastries, fruit and yoghurt pots
- Working lunches: sourdough sandwiches, salads and a sweet treat
- Sharing boards: bread, cheeses, charcuterie and pickles for parties
- <a href="/catering/weddings/">Weddings</a>: cakes, grazing tables and evening food
- <a href="/catering/corporate/">Corporate accounts</a>: regular deliveries with monthly invoicing

## How it works

Tell us the date, the number of guests and what you have in mind, and we will send you a proposal
and a price within three working days. We ask for a twenty per cent deposit to confirm and the
balance a week before the event. Final numbers can change up to seventy-two hours before.

Ready to plan? <a href="/catering/quote/">Request a catering quote</a> online, or call Ruth on
01632 960 418.
""",
    ),
    DemoPage(
        path="/catering/quote/",
        title="Request a Catering Quote | Cedar Hollow Bakery",
        description=(
            "Tell us about your event and get a catering proposal and price from Cedar Hollow "
            "Bakery within three working days. No obligation."
        ),
        h1="Request a catering quote",
        body="""
Planning an event? Fill in a few details below and our catering team will come back to you with a
proposal and a price within three working days. There is no obligation, and we are always happy
to talk menus through on the phone if you prefer.

## Tell us about your event

<form action="/catering/quote/" method="post">
  <label>Event date <input name="date" type="date" required></label>
  <label>Number of guests <input name="guests" type="number" min="10" required></label>
  <label>Type of event <select name="type"><option>Breakfast meeting</option>
  <option>Lunch</option><option>Party</option><option>Wedding</option></select></label>
  <label>Anything else we should know? <textarea name="notes" rows="4"></textarea></label>
  <button type="submit">Request quote</button>
</form>

## What happens next

Ruth or Priya will read your request, check the date against our calendar and write to you with a
suggested menu. Once you are happy, we send a booking form and take a twenty per cent deposit. The
week before the event we confirm final numbers, dietary requirements and delivery times.

## Lead times

We need at least five working days for most catering orders and four weeks for weddings. In
December we take only a limited number of bookings, so please get in touch as early as you can.
""",
    ),
    DemoPage(
        path="/catering/weddings/",
        title=(
            "Wedding Cakes, Grazing Tables and Evening Food for Weddings in Millbrook and the "
            "Cedar Valley | Cedar Hollow Bakery"
        ),
        description=(
            "Wedding cakes, grazing tables and evening bread boards from Cedar Hollow Bakery, "
            "delivered and set up at venues across Millbrook and the valley."
        ),
        h1="Wedding cakes and catering",
        body="""
We have baked for more than four hundred weddings, from barn parties to town-hall lunches, and we
still get a little emotional at every one. Our wedding service covers the cake, a grazing table
for the drinks reception, and evening food for when the dancing starts.

## Wedding cakes

Priya designs every wedding cake with the couple. Choose from our three sponges — classic
Victoria, chocolate fudge, and lemon and elderflower — or mix tiers. Cakes are finished with Swiss
meringue buttercream and decorated with fresh seasonal flowers from Millbrook Flower Farm.

Tastings take place on Thursday afternoons at the Mill Lane bakery and cost £25, which comes off
your final bill.

## Grazing tables and evening food

Our grazing tables feature sourdough and focaccia, local cheeses, charcuterie, pickles and fruit,
and are set up by our team at your venue. For the evening we offer bacon rolls, cheese toasties
from a mobile grill, or a pizza-bread station.

## Booking

We take a limited number of weddings each month so that we can give every couple our full
attention. Popular summer dates book up a year ahead. <a href="/catering/quote/">Request a
quote</a> with your date and guest numbers and we will send you our wedding brochure.
""",
    ),
    DemoPage(
        path="/catering/corporate/",
        title="Corporate Catering and Office Breakfasts | Cedar Hollow",
        description=(
            "Cedar Hollow Bakery's corporate catering service delivers fresh breakfast pastries, "
            "sourdough sandwich lunches, cakes and coffee to offices, meetings, conferences and "
            "training days throughout Millbrook, Hartley and the wider Cedar Valley, with monthly "
            "invoicing and standing orders available."
        ),
        h1="Corporate catering",
        body="""
Good food makes meetings better. Our corporate catering service delivers breakfast, lunch and
afternoon treats to offices and venues across Millbrook, Hartley and the valley, and we can set up
a standing weekly order so your Monday meeting always has croissants.

## Popular packages

- Breakfast meeting: mini pastries, fruit salad and yoghurt pots, from £6.50 per person
- Working lunch: sourdough sandwiches, a seasonal salad and a cake slice, from £11 per person
- Afternoon tea: scones, finger sandwiches and cake, from £9.50 per person
- Coffee service: batch-brewed coffee and tea with milk and oat milk, from £2 per person

## Accounts and invoicing

Businesses with regular orders can open an account with monthly invoicing and thirty-day payment
terms. We provide itemised invoices with allergen information for every order, and we can deliver
before 8am for early starts.

## Sustainability

We deliver in reusable crates and on wooden boards that we collect the next day, and we never use
single-use plastic platters. Leftovers can be boxed for your team to take home. To get started,
<a href="/catering/quote/">request a quote</a> or email catering@cedarhollowbakery.example.
""",
    ),
    DemoPage(
        path="/classes/",
        title="Baking Classes in Millbrook | Cedar Hollow Bakery",
        description=(
            "Hands-on bread and pastry classes in our restored grain loft: sourdough, "
            "croissants, rye and kids' baking. Small groups, all equipment provided."
        ),
        h1="Baking classes",
        json_ld={
            "@context": "https://schema.org",
            "@type": "Event",
            "name": "Sourdough 101",
            "organizer": {"@type": "Organization", "name": "Cedar Hollow Bakery"},
        },
        body="""
In 2016 we restored the grain loft above the Mill Lane bakery as a classroom, with eight
workstations, a proving cabinet and its own deck oven. Since then more than three thousand people
have learned to bake there, from complete beginners to professional chefs.

## Our classes

- <a href="/classes/sourdough-101/">Sourdough 101</a> — a full day on starters, mixing, shaping
  and baking. First Saturday of every month, £95.
- Croissants and lamination with Priya — a Sunday morning of butter and patience, £110.
- Rye and Nordic breads — dark rye, crispbreads and cardamom buns, £95.
- <a href="/classes/kids-baking/">Kids' baking club</a> — Saturday mornings in the school
  holidays for ages eight to twelve, £30.

## What to expect

Classes have a maximum of eight people, so there is plenty of time for questions. We provide
aprons, ingredients and equipment, and you will take home everything you bake, plus a pot of our
starter on the sourdough course. Lunch and coffee are included on full-day classes.

## Gift vouchers and private classes

Class vouchers make a lovely present and are valid for twelve months. We also run private classes
for groups of six to eight, which are popular for birthdays and team days.
""",
    ),
    DemoPage(
        path="/classes/sourdough-101/",
        title="Sourdough 101: Full-Day Bread Class | Cedar Hollow",
        description=(
            "Learn to keep a starter, mix, shape and bake a country sourdough in one day with "
            "head baker Tomasz. Small group, lunch included, starter to take home."
        ),
        h1="Sourdough 101",
        json_ld="""{
  "@context": "https://schema.org",
  "@type": "Event",
  "name": "Sourdough 101",
  "startDate": "2024-10-05T09:30",
  "location": {"@type": "Place", "name": "Cedar Hollow Bakery", "address": "14 Mill Lane",},
  "offers": {"@type": "Offer", "price": "95.00", "priceCurrency": "GBP"}
""",
        body="""
Sourdough 101 is our most popular class and the best place to start if you have never baked
with natural leaven. In one day with head baker Tomasz Nowak you will learn how to keep a starter
healthy, mix and develop a dough by hand, shape a boule and a batard, and bake in a home oven.

## The day

- 9:30 — coffee, pastries and the science of fermentation
- 10:00 — feeding a starter and mixing your own dough
- 11:30 — stretch and folds, and shaping a dough we prepared yesterday
- 13:00 — lunch: soup, our bread and cheeses from the valley
- 14:00 — scoring and baking, then troubleshooting your home bakes
- 16:00 — finish, with two loaves, a dough to bake tomorrow and a pot of starter

## Who it is for

Anyone who wants to bake better bread at home. No experience is needed, and we will adapt the day
to what you already know. The class involves a lot of standing and some lifting of dough tubs.

## Dates and booking

Sourdough 101 runs on the first Saturday of every month and costs £95 including lunch. Places are
limited to eight and usually sell out three weeks ahead. To book, call the shop or email
classes@cedarhollowbakery.example. Before you come, have a read of our guide to
<a href="/blog/how-to-feed-a-sourdough-starter/">feeding a sourdough starter</a>.
""",
    ),
    DemoPage(
        path="/classes/kids-baking/",
        title="Kids' Baking Club for Ages 8–12 | Cedar Hollow Bakery",
        description=(
            "Saturday morning baking for children aged eight to twelve in the school holidays: "
            "bread rolls, pizzas, biscuits and buns, with everything to take home."
        ),
        h1="Kids' baking club",
        body="""
<h1>Little bakers, big flavours</h1>

Our kids' baking club runs on Saturday mornings during the school holidays for children aged eight
to twelve. In two and a half hours they will weigh, mix, knead, shape and bake, and go home with a
box full of things they made themselves (and flour in places you did not know existed).

## What they bake

Each session has a theme. Recent favourites include pizza-dough snails, soft dinner rolls shaped
like hedgehogs, cheese straws, gingerbread biscuits and cinnamon buns. Recipes go home with every
child so they can bake again with you.

## Safety and supervision

Sessions are led by Priya and one of our bakers, both with enhanced DBS checks and first-aid
training, with a maximum of ten children. Children are kept away from the deck oven, which our
bakers operate. We can cater for most allergies if you tell us when booking, but our kitchen is
not free from nuts or gluten.

## Booking

Sessions cost £30 and include a drink and a snack. Parents are welcome to wait in the café
downstairs. For a family-friendly read, try our post on
<a href="/blog/baking-with-kids/">baking with kids at home</a>.
""",
    ),
    DemoPage(
        path="/offers/",
        title="Seasonal Specials and Offers | Cedar Hollow Bakery",
        description=(
            "This month's specials at Cedar Hollow Bakery: a dozen cardamom buns for the price "
            "of ten, loyalty stamps and our weekly bread subscription."
        ),
        h1="Seasonal specials",
        body="""
Every month we pick one seasonal bake and make a little fuss of it. We also run a loyalty card and
a weekly bread subscription for regulars who would rather not queue on Saturday mornings.

## This month: cardamom bun dozen

Buy a dozen cardamom buns for the price of ten, all month, at both shops. Perfect for office
birthdays, book clubs and anyone who has ever said they would only have one. Order online by 6pm
for collection the next morning.

## Loyalty card

Collect a stamp with every hot drink or loaf. Your tenth coffee or loaf is on us. Cards work at
both the Mill Lane and Riverside shops and never expire, though we do ask that you keep them
reasonably free of jam.

## Bread subscription

Choose a loaf for each week and collect it from either shop, or have it delivered within three
miles of Mill Lane on Thursdays. Subscriptions start at £5 a week, can be paused for holidays and
come with a ten per cent discount on anything else you buy while collecting.

## Terms

Offers cannot be combined and are available while stocks last. See our <a href="/terms/">terms
and conditions</a> for the full details, including how to pause or cancel a subscription.
""",
    ),
    DemoPage(
        path="/order/",
        title="Order Online for Collection | Cedar Hollow Bakery",
        description=(
            "Order bread, pastries and cakes online by 6pm and collect them the next morning "
            "from our Mill Lane or Riverside shop."
        ),
        h1=None,
        aside=False,
        body=(
            '<div id="order-app" data-shop="mill-lane"><noscript>Please enable JavaScript to '
            "order online.</noscript></div>"
        ),
        script="""
    const products = [
      ["Country sourdough (900 g)", "6.40"], ["Seeded sourdough", "6.80"],
      ["Dark rye", "5.20"], ["Butter croissant", "2.60"], ["Pain au chocolat", "2.90"],
      ["Cardamom bun", "2.80"], ["Cinnamon bun", "2.80"], ["Lemon and poppy seed loaf", "14.00"]
    ];
    const rows = products.map(([name, price]) =>
      `<li><label><input type="number" min="0" value="0"> ${name} — £${price}</label></li>`
    ).join("");
    document.getElementById("order-app").innerHTML = `
      <h1>Order online</h1>
      <p>Choose what you would like and collect it tomorrow morning from Mill Lane or Riverside.
      Orders placed before 6pm are baked overnight and ready from 7am. Payment is taken when you
      collect, by card or cash, and you can change or cancel your order by phone until 6pm.</p>
      <h2>Tomorrow's bakes</h2>
      <ul>${rows}</ul>
      <h2>Collection</h2>
      <p>Orders are kept until midday. Anything not collected goes to the community larder.</p>
      <p><a href="/locations/">Where to find us</a> · <a href="/faq/">Ordering questions</a></p>
    `;
""",
    ),
    DemoPage(
        path="/locations/",
        title="Our Bakery Locations in Millbrook | Cedar Hollow",
        description=(
            "Visit Cedar Hollow Bakery on Mill Lane in Millbrook's old town or at our Riverside "
            "shop on Quay Street: opening hours, parking and directions."
        ),
        h1="Our shops",
        body="""
We have two shops in Millbrook, each with its own bakery, so the bread on the shelves is always
baked on site that morning. Both shops sell our full bread and pastry range; cakes to order and
classes are based at Mill Lane.

## Mill Lane, old town

Our original bakery in the restored corn mill at 14 Mill Lane, open Tuesday to Sunday from 7am to
4pm. There is a small café with twelve seats and a courtyard garden in summer.
<a href="/locations/old-town/">More about the Mill Lane shop</a>.

## Riverside, Quay Street

Opened in 2023 in the Riverside development at 3 Quay Street, open every day from 7am to 6pm. It
has a larger café, step-free access throughout and a baby-changing room.
<a href="/locations/riverside/">More about the Riverside shop</a>.

## Getting here

Both shops are on the number 4 bus route from Millbrook station. Mill Lane has thirty minutes of
free parking in the courtyard; at Riverside, the Quay Street car park is two minutes away and
there are cycle racks outside the door.

## Deliveries

We deliver catering orders and bread subscriptions within fifteen miles of Millbrook. See
<a href="/catering/">catering</a> or <a href="/offers/">our bread subscription</a>.
""",
    ),
    DemoPage(
        path="/locations/riverside/",
        title="Riverside Shop, Quay Street | Cedar Hollow Bakery",
        description=(
            "Cedar Hollow Riverside at 3 Quay Street, Millbrook: open daily 7am–6pm with a "
            "bakery on site, a 40-seat café, step-free access and cycle racks."
        ),
        h1=None,
        body="""
<div class="hero-title">Cedar Hollow Riverside</div>

Our second shop opened in spring 2023 on the ground floor of the old grain warehouse at 3 Quay
Street, looking out over the river. It has its own small bakery behind a glass wall, so you can
watch the baguettes being shaped while you wait for your coffee.

## Opening hours

Monday to Sunday, 7am to 6pm. Baguettes come out of the oven at 7am, 11am and 3pm, and we bake a
second batch of croissants at 10am on weekends.

## The café

Riverside has forty seats inside and a terrace by the water in summer. We serve our full pastry
range, sandwiches on sourdough from 11am, and soup of the day from October to March. Dogs are
welcome on the terrace, and there are high chairs and a baby-changing room inside.

## Access

The shop is step-free from Quay Street, with an accessible toilet and a hearing loop at the
counter. The nearest car park is Quay Street multi-storey, two minutes away, with blue-badge bays
on the ground floor.

## Events

Once a month we hold an evening supper club at Riverside with a guest cook. Read about the opening
in <a href="/blog/our-new-riverside-shop/">our blog post</a>.
""",
    ),
    DemoPage(
        path="/locations/old-town/",
        title="Mill Lane Bakery, Old Town Millbrook | Cedar Hollow",
        description=(
            "The original Cedar Hollow Bakery at 14 Mill Lane in a restored 1821 corn mill: "
            "opening hours, café, courtyard garden and parking."
        ),
        h1="Mill Lane, old town",
        body="""
The bakery where it all began, in the restored corn mill at 14 Mill Lane. The bread for the shop,
for our catering and for most of our wholesale customers is baked here, in two deck ovens that run
from half past three every morning.

#### Opening hours

Tuesday to Sunday, 7am to 4pm. Closed on Mondays, when the bakers rest and the ovens are cleaned.

#### The café and courtyard

Inside there are twelve seats by the window and a long table made from the mill's old floor
boards. From May to September the courtyard garden opens, with six more tables around the old
millstone and the brook running underneath.

#### Parking and access

There are thirty minutes of free parking in the courtyard, with one blue-badge space by the door.
The shop has a single step at the entrance and we keep a portable ramp behind the counter; please
ring the bell and we will bring it out. The classroom in the grain loft is up a flight of stairs
and is not currently step-free.

#### Classes

All our baking classes take place in the grain loft above the shop. See our
<a href="/classes/">classes page</a> for dates and booking, or read the
<a href="/about/history/">history of the mill building</a>.
""",
    ),
    DemoPage(
        path="/faq/",
        title="Frequently Asked Questions | Cedar Hollow Bakery",
        description=(
            "Answers to common questions about ordering, allergens, opening hours, catering, "
            "classes and wholesale at Cedar Hollow Bakery."
        ),
        h1="Frequently asked questions",
        json_ld={
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": "Can I order bread for collection?",
                    "acceptedAnswer": {
                        "@type": "Answer",
                        "text": "Yes, order online by 6pm and collect from 7am the next day.",
                    },
                },
                {
                    "@type": "Question",
                    "name": "Do you make gluten-free bread?",
                    "acceptedAnswer": {
                        "@type": "Answer",
                        "text": "No. Our kitchen handles a lot of flour and cannot be gluten-free.",
                    },
                },
            ],
        },
        body="""
## Can I order bread for collection?

Yes. <a href="/order/">Order online</a> by 6pm and your order will be baked overnight and ready
from 7am the next morning at the shop you choose. Orders are held until midday.

## Do you deliver?

We deliver catering orders within fifteen miles of Millbrook and bread subscriptions within three
miles of Mill Lane on Thursdays. We do not offer same-day delivery of single items.

## Do you make gluten-free bread?

No. Our kitchen handles a great deal of wheat, rye and spelt flour, and we cannot make products
that are safe for people with coeliac disease. We trialled a gluten-free range last year and
stopped for that reason.

## Which allergens do you handle?

All fourteen major allergens may be present in our kitchen. Every product is labelled, and our
staff can show you full ingredient lists.

## Can I bring my dog?

Dogs are welcome in the Mill Lane courtyard and on the Riverside terrace, and there is always a
water bowl by the door.

## Do you supply restaurants and shops?

Yes, we supply around thirty cafés, restaurants and delis in the valley. See
<a href="/wholesale/">wholesale</a> for details.

## Are you hiring?

Often! See our <a href="/careers/">careers page</a> for current vacancies.
""",
    ),
    DemoPage(
        path="/careers/",
        title="Careers at Cedar Hollow Bakery | Join Our Team",
        description=(
            "Work with us: bakers, pastry chefs, baristas and shop staff at a living-wage "
            "employer with sensible hours and proper training."
        ),
        h1="Careers",
        body="""
We are a team of twelve, growing slowly and carefully. We have been a living-wage employer since
2015, we keep night shifts to eight hours, and everyone gets a loaf to take home every day they
work. Most of our bakers started with us as apprentices.

## Current vacancies

- <a href="/careers/barista/">Barista, Riverside shop</a> — full time, from £12.40 an hour

We do not have any other vacancies at the moment, but we are always happy to hear from bakers and
pastry chefs who would like to work with us. Send a short note about yourself to
jobs@cedarhollowbakery.example.

## What we offer

- Living-wage pay, reviewed every April
- Twenty-eight days of holiday including bank holidays, plus your birthday off
- Paid training, including a place on any of our baking classes
- A pension with a five per cent employer contribution
- Free bread, coffee and a staff discount of thirty per cent

## Apprenticeships

Each autumn we take on one baking apprentice through Millbrook College. Apprentices work four
days a week in the bakery and spend one day at college, and finish with a level 2 qualification.
Applications open in June.
""",
    ),
    DemoPage(
        path="/careers/barista/",
        title="Barista Job, Riverside Shop | Cedar Hollow Bakery",
        description=(
            "We are hiring a full-time barista for our Riverside shop: lever-machine espresso, "
            "Foundry Roasters coffee and a friendly team. From £12.40 an hour."
        ),
        h1="Barista, Riverside shop",
        body="""
We are looking for a full-time barista to join the team at our Riverside shop on Quay Street. You
will make coffee on our lever espresso machine, serve customers in a busy café, and help keep the
shop running smoothly from the morning rush to the afternoon lull.

## About the role

- Thirty-seven and a half hours a week over five days, including alternate weekends
- Shifts between 6:45am and 6:15pm, with no late evenings
- Pay from £12.40 an hour, rising after six months
- Full barista training with Sam and with Foundry Roasters

## About you

You do not need to be an experienced barista, though it helps. You do need to enjoy people, keep
calm in a queue and care about the details: a clean steam wand, a warm cup, a proper hello. You
will need to be able to lift a sack of coffee beans and be on your feet for most of the day.

## How to apply

Send a short note about yourself and why you would like to work with us to
jobs@cedarhollowbakery.example. We read every application and invite people for a paid trial
shift before we offer the job. The closing date is the end of the month. Questions? Call Sam at
the Riverside shop.
""",
    ),
    DemoPage(
        path="/wholesale/",
        title="Wholesale Bread for Cafés and Restaurants | Cedar Hollow",
        description=(
            "Breakfast platters, sandwich lunches, sharing boards and wedding cakes for events "
            "of 20 to 200 people across Millbrook and the valley."
        ),
        h1="Wholesale",
        body="""
We bake for around thirty cafés, restaurants, delis and farm shops in Millbrook and the Cedar
Valley. Our wholesale customers get the same bread as our shops, baked overnight and delivered by
Gwen in the blue van before 7am.

## What we supply

- Sourdough, rye, spelt and tin loaves, whole or sliced
- Burger buns, brioche and sandwich rolls
- Focaccia sheets and pizza dough balls
- Croissants and pastries, baked or frozen for finishing in your own oven

## Ordering

Standing orders can be changed by 2pm for the next day's delivery. We deliver six days a week
within fifteen miles of Mill Lane, with no minimum order on standing orders and a £40 minimum on
occasional ones. We invoice monthly.

## Working together

We are happy to develop a bread for your menu: a smaller sandwich loaf, a darker bake, a roll in
your burger's exact size. Come and taste the range at Mill Lane on a Monday morning, when the
shop is closed and the bakers have time to talk.

To open an account, email wholesale@cedarhollowbakery.example with your business name, address
and what you would like to order, and we will send you our current price list.
""",
    ),
    DemoPage(
        path="/privacy/",
        title="Privacy Policy | Cedar Hollow Bakery",
        description=None,
        h1="Privacy policy",
        canonical=None,
        body="""
This policy explains what personal information Cedar Hollow Bakery Ltd collects, why we collect
it, and what we do with it. We are the data controller for information you give us through this
website, in our shops and by email or phone.

## What we collect

When you order online, book a class or request a catering quote we collect your name, email
address, phone number and the details of your order. When you subscribe to our newsletter we keep
your email address and the date you subscribed. We do not collect payment card details on this
website: payment is taken in the shop.

## Why we use it

We use your information to fulfil your orders and bookings, to contact you about them, and, if you
have asked us to, to send you our monthly newsletter. We never sell your information or share it
with anyone except the services we use to run the business, such as our email provider.

## How long we keep it

Order and booking records are kept for six years for accounting purposes. Newsletter subscriptions
are kept until you unsubscribe.

## Cookies

This website uses only the cookies it needs to work, such as remembering the contents of your
order. We do not use advertising or tracking cookies.

## Your rights

You can ask to see, correct or delete the information we hold about you at any time by writing to
privacy@cedarhollowbakery.example.
""",
    ),
    DemoPage(
        path="/terms/",
        title="Terms and Conditions | Cedar Hollow Bakery",
        description=None,
        h1="Terms and conditions",
        canonical=None,
        body="""
These terms apply to orders placed with Cedar Hollow Bakery Ltd online, by phone and in our shops,
and to bookings for our classes and catering services.

## Orders for collection

Online orders placed before 6pm are available for collection from 7am the next day and are held
until midday. Payment is taken on collection. You can change or cancel an order by phone before
6pm on the day before collection.

## Classes

Class bookings are confirmed when paid in full. You can move your booking to another date up to
fourteen days before the class. We are unable to refund bookings cancelled less than fourteen days
before the class, but you are welcome to send someone in your place.

## Catering

Catering bookings are confirmed by a twenty per cent deposit, which is non-refundable within
thirty days of the event. Final numbers can be changed up to seventy-two hours before the event.

## Subscriptions and offers

Bread subscriptions can be paused or cancelled at any time before 2pm on the day before
collection. Offers cannot be combined and are available while stocks last.

## Allergens

We take care to label allergens accurately, but our kitchen handles all fourteen major allergens
and we cannot guarantee that any product is free from traces of them.

These terms are governed by the law of England and Wales.
""",
    ),
    DemoPage(
        path="/accessibility/",
        title="Accessibility",
        description=(
            "How we are making the Cedar Hollow Bakery website and shops accessible, and how "
            "to tell us about a problem."
        ),
        h1="Accessibility",
        aside=False,
        body="""
We want everyone to be able to use this website and visit our shops. If something does not work
for you, please call 01632 960 418 or email hello@cedarhollowbakery.example and we will help.
""",
    ),
    DemoPage(
        path="/fr/",
        title="Boulangerie Cedar Hollow | Pain au levain à Millbrook",
        description=(
            "Boulangerie familiale à Millbrook depuis 1987 : pain au levain, croissants pur "
            "beurre, gâteaux de fête, traiteur et cours de boulangerie."
        ),
        h1="Du vrai pain, cuit lentement à Millbrook",
        lang="fr",
        body="""
Bienvenue à la boulangerie Cedar Hollow. Depuis plus de trente-cinq ans, nous faisons le pain à
l'ancienne : levain naturel, farine moulue à trente kilomètres d'ici, et du temps. Beaucoup de
temps. Nos portes ouvrent à sept heures rue du Moulin, et à ce moment-là le premier pain au levain
est sorti du four depuis une heure.

## Cuit ce matin

- Pain de campagne au levain, trente-six heures de fermentation
- Croissants et pains au chocolat, tourés à la main
- Gâteaux de fête sur commande, une semaine à l'avance
- Café de Foundry Roasters, préparé sur une machine à levier

## Notre histoire

Eleanor Price a fondé la boulangerie en 1987 dans un ancien moulin à grain, avec un four d'occasion
et un levain rapporté d'une ferme normande. Ce levain, que nous appelons la Vieille Marthe, est
nourri chaque matin depuis. Aujourd'hui, sa fille Ruth dirige la boulangerie avec le chef boulanger
Tomasz Nowak et une équipe de douze personnes.

## Nous rendre visite

Retrouvez-nous au 14 Mill Lane, dans la vieille ville, du mardi au dimanche de 7 h à 16 h, ou dans
notre boutique Riverside au 3 Quay Street, tous les jours de 7 h à 18 h. Commandez en ligne avant
18 h et retirez votre commande le lendemain matin.
""",
    ),
    DemoPage(
        path="/events/summer-fair-2023/",
        title="Millbrook Summer Fair 2023 | Cedar Hollow Bakery",
        description=(
            "Cedar Hollow Bakery at the Millbrook Summer Fair 2023: our bread tent, the "
            "children's bun-decorating table and the great loaf race."
        ),
        h1="Millbrook Summer Fair 2023",
        body="""
Thank you to everyone who visited our bread tent at the Millbrook Summer Fair on Saturday 15 July
2023. We sold nine hundred loaves, decorated more than three hundred buns with the children of
Millbrook, and raised £1,240 for the community larder.

## The great loaf race

For the first time this year we ran the great loaf race, in which teams of four carried a tray of
twelve loaves around the village green without dropping any. The Millbrook Fire Station team won
in two minutes and twelve seconds, narrowly beating the Riverside shop staff, who would like it
noted that they had baked the loaves that morning.

## Bun decorating

Our bun-decorating table was busy from opening to close. Children chose from a dozen toppings,
and the most popular combination by far was pink icing, sprinkles and a single chocolate button.
Priya has asked us to say that she is still finding sprinkles in the van.

## See you next year

The fair will be back next July, and so will we. Keep an eye on the blog for the date, and for
news of next year's loaf race, for which the Riverside team say they are already training.
""",
    ),
    DemoPage(
        path="/blog/",
        title="The Baker's Journal | Cedar Hollow Bakery Blog",
        description=(
            "Recipes, baking guides and news from the Cedar Hollow Bakery team: sourdough tips, "
            "seasonal bakes and stories from the early shift."
        ),
        h1="The baker's journal",
        body="""
Recipes, guides and news from the bakery, written by the people who bake your bread. New posts
most months, more often when the ovens are quiet.

## Latest posts

- <a href="/blog/our-new-riverside-shop/">Our new Riverside shop is open</a>
- <a href="/blog/autumn-menu-preview/">A preview of the autumn menu</a>
- <a href="/blog/holiday-hours-2024/">Holiday opening hours 2024</a>
- <a href="/blog/reducing-food-waste/">How we waste (almost) nothing</a>
- <a href="/blog/farmers-market-saturdays/">Find us at the farmers' market</a>
- <a href="/blog/wedding-cake-trends-2024/">Wedding cake trends for 2024</a>
- <a href="/blog/meet-our-head-baker/">Meet our head baker, Tomasz</a>

## Guides and recipes

- <a href="/blog/how-to-feed-a-sourdough-starter/">How to feed a sourdough starter</a>
- <a href="/blog/the-perfect-croissant-lamination/">The perfect croissant: lamination</a>
- <a href="/blog/rye-bread-guide/">A beginner's guide to rye bread</a>
- <a href="/blog/gluten-free-baking-at-home/">Gluten-free baking at home</a>
- <a href="/blog/coffee-pairings-for-pastries/">Coffee and pastry pairings</a>
- <a href="/blog/baking-with-kids/">Baking with kids</a>

## From the bakery

- <a href="/blog/behind-the-scenes-4am/">Behind the scenes at 4am</a>
- <a href="/blog/why-we-use-heritage-grains/">Why we use heritage grains</a>

Want the journal in your inbox? Sign up for our monthly newsletter in the shop, or ask at the
counter next time you visit.
""",
    ),
    DemoPage(
        path="/blog/how-to-feed-a-sourdough-starter/",
        title="How to Feed a Sourdough Starter | Cedar Hollow",
        description=(
            "Our head baker's step-by-step guide to feeding a sourdough starter: ratios, "
            "timings, temperatures and how to rescue a sluggish starter."
        ),
        h1="How to feed a sourdough starter",
        body="""
A sourdough starter is just flour and water colonised by wild yeasts and lactic acid bacteria. It
is surprisingly hardy, but it does need feeding. Here is how we feed Old Martha, the starter that
has raised every loaf at Cedar Hollow since 1987.

## The basic feed

Discard all but 50 g of your starter, then add 50 g of flour and 50 g of water at about 26°C. Stir
well, scrape down the sides and cover loosely. At room temperature it should double in four to
eight hours. Feed it once or twice a day if you bake often, or keep it in the fridge and feed it
once a week if you do not.

## Which flour?

We feed with a mix of 80% strong white flour and 20% wholemeal rye. The rye gives the microbes
extra nutrients and makes for a livelier, more sour starter. Any unbleached flour will work.

## Signs of a healthy starter

- It doubles in size within eight hours of feeding
- It smells pleasantly sour, like yoghurt or green apples
- It is full of bubbles and domed on top when at its peak

## Rescuing a sluggish starter

If your starter is slow, feed it twice a day at a warmer temperature for three or four days. A
layer of grey liquid on top just means it is hungry: pour it off and feed. For more detail, see
our full <a href="/blog/starter-care-guide/">starter care guide</a>, or come to
<a href="/classes/sourdough-101/">Sourdough 101</a> and take some of Old Martha home.
""",
    ),
    DemoPage(
        path="/blog/why-we-use-heritage-grains/",
        title="",
        description=(
            "Why Cedar Hollow bakes with heritage wheat varieties from Hartley Mill, and what "
            "older grains bring to flavour, nutrition and farming."
        ),
        h1="Why we use heritage grains",
        body="""
Walk into any supermarket and almost all the bread on the shelves is made from a handful of modern
wheat varieties, bred for high yields and for the demands of fast industrial baking. At Cedar
Hollow, more and more of our flour comes from older varieties grown by a small group of farmers
who supply Hartley Mill.

## What are heritage grains?

Heritage grains are wheat varieties that were grown before the 1960s, such as Maris Widgeon,
Red Lammas and Hereward, along with older species like spelt, emmer and einkorn. They grow taller,
yield less and are trickier to bake with, because their gluten is weaker.

## Why we bother

The first reason is flavour. Our heritage-wheat sourdough tastes nuttier and sweeter, with a
deeper colour. The second is farming: the farmers we buy from grow these wheats in mixed
populations without synthetic fertiliser, and their fields are full of wildflowers and birds.

## What it means for our bread

Heritage flours absorb water differently from year to year, so Tomasz adjusts our recipes with
every new harvest. The dough needs gentler handling and a longer, cooler fermentation. The loaves
are a little flatter, but we think they are better bread, and so, it seems, do our customers.
""",
    ),
    DemoPage(
        path="/blog/holiday-hours-2024/",
        title="Holiday Opening Hours 2024 | Cedar Hollow Bakery",
        description=(
            "Christmas and New Year opening hours for our Mill Lane and Riverside shops, and "
            "the last dates for Christmas orders."
        ),
        h1="Holiday opening hours 2024",
        aside=False,
        body="""
Both shops close on 25 and 26 December and 1 January. On Christmas Eve we open at 6am and close
at 1pm. Last orders for Christmas collection: 20 December.
""",
    ),
    DemoPage(
        path="/blog/behind-the-scenes-4am/",
        title="Behind the Scenes at 4am | Cedar Hollow Bakery",
        description=(
            "What happens in a bakery while Millbrook sleeps: a night with the early shift, "
            "from the first mix at half past three to the shop door at seven."
        ),
        h1="Behind the scenes at 4am",
        body="""
<p><img src="/images/night-shift.png" width="800" height="500"></p>

The alarm goes at quarter to three. By half past, Tomasz has the lights on at Mill Lane, the
ovens heating and the first dough of the day in the mixer: the baguettes for Riverside, which need
to be in the van by half past six.

## 4am: shaping

The sourdough mixed yesterday has spent the night in the cold room in its baskets. At four the
first trays come out to warm up while the bakers divide and shape the tin loaves and rolls. The
radio is on, quietly. Nobody talks much.

<p><img src="/images/ovens.png" width="800" height="500"></p>

## 5am: the ovens

Our two deck ovens hold ninety loaves each. Tomasz loads the sourdough with a long wooden peel,
scores each loaf with a razor, and shuts the door on a burst of steam. Forty minutes later the
first batch comes out, crackling as it cools.

## 6am: pastries and the van

The croissants, shaped last night, go into the convection oven while Gwen loads the van for the
wholesale round and the Riverside shop. Priya arrives to start on the day's cakes.

## 7am: doors open

Ruth unlocks the door and the first customer, usually a man called Derek who has bought the same
seeded loaf every day for eleven years, is already waiting.
""",
    ),
    DemoPage(
        path="/blog/the-perfect-croissant-lamination/",
        title="The Perfect Croissant: A Guide to Lamination | Cedar Hollow",
        description=(
            "Priya's guide to laminating croissant dough at home: butter temperature, folds, "
            "resting times and the mistakes that make croissants bready."
        ),
        h1="The perfect croissant: lamination",
        canonical="/blog/the-perfect-croissant-lamination/",
        body="""
A good croissant has a shattering crust, a honeycomb crumb and tastes of butter. All of that comes
from lamination: folding a block of butter into a yeasted dough and rolling it out again and again
until there are dozens of thin alternating layers.

## Temperature is everything

The butter and the dough must be the same firmness. Too cold and the butter shatters into pieces;
too warm and it melts into the dough, and you end up with brioche. We work in a kitchen at 18°C
with butter at 12–14°C, and we chill the dough for thirty minutes between every fold.

## The folds

We give our dough one double (book) fold and one single (letter) fold, which gives twenty-four
layers of butter. More folds are not better: the layers become so thin that they merge, and the
croissant loses its open crumb.

## Shaping and proving

Roll the dough to 4 mm, cut long triangles and roll them up loosely from the wide end. Prove at
26°C, no warmer, until they wobble when you shake the tray: about two hours. If the butter leaks
while proving, the room is too warm.

## Baking

Egg wash twice, then bake at 190°C for eighteen to twenty minutes until deep golden. Let them cool
for ten minutes. Come and learn it with Priya in our croissant class on the
<a href="/classes/">classes page</a>.
""",
    ),
    DemoPage(
        path="/blog/autumn-menu-preview/",
        title="A Preview of Our Autumn Menu | Cedar Hollow Bakery",
        description=(
            "Apples from Ashcombe orchard, scout-picked blackberries and squash from the "
            "allotments: a first look at this autumn's seasonal bakes."
        ),
        h1="A preview of the autumn menu",
        canonical=f"{ORIGIN}/blog/autumn-menu/",
        body="""
Autumn is our favourite season at the bakery. The orchards and hedgerows around Millbrook give us
more fruit than we know what to do with, and the cooler weather means the doughs behave and the
customers want something warming with their coffee.

## Apple and blackberry frangipane tart

Bramley apples from Ashcombe orchard, blackberries picked by the 1st Millbrook scouts (we pay them
in buns), and an almond frangipane on our sweet pastry. It is the tart we get asked about all year.

## Pumpkin and maple loaf

A soft, golden loaf made with roast squash from the allotments behind the Riverside shop, a little
maple syrup and a crust of toasted pumpkin seeds. It makes extraordinary toast.

## Spiced pear Danish

Poached pears with star anise and cinnamon on a brown-butter custard, in our Danish dough. Priya
has been working on this one since the spring and is finally happy with it.

## Chelsea buns

Our Chelsea buns come back in October, with cinnamon, orange peel and a sticky glaze. From
mid-November they share the counter with stollen and mince pies. The full
<a href="/menu/seasonal/">seasonal menu</a> is on the website.
""",
    ),
    DemoPage(
        path="/blog/meet-our-head-baker/",
        title="Meet Our Head Baker, Tomasz Nowak | Cedar Hollow",
        description=(
            "Twenty years, two ovens and one very old starter: an interview with Tomasz Nowak, "
            "head baker at Cedar Hollow Bakery since 2011."
        ),
        h1="Meet our head baker, Tomasz",
        lang=None,
        viewport=False,
        body="""
Tomasz Nowak walked into Cedar Hollow in 2004, aged nineteen, to ask whether we needed a washer-up.
Eleanor gave him an apron and put him on the morning shift. Twenty years later he is our head
baker, and he still washes up. We sat down with him after a shift to talk about bread.

## How did you learn to bake?

"From Eleanor, mostly by watching. She did not explain things, she just did them, and if you did
them differently she sighed. I learned fast. Then I went to France for six months in 2009 and
worked in a bakery in Lyon, which is where I fell in love with really long fermentation."

## What is the hardest part of the job?

"The hours, honestly. But also consistency. Flour changes, the weather changes, the starter has
moods. The customer wants the same loaf every day. My job is to make everything different so that
the bread stays the same."

## Favourite loaf?

"The dark rye. Nobody buys it except about thirty people, and those thirty people are the best
customers we have."

## What would you tell a home baker?

"Slow down. Use less yeast, more time and a colder kitchen. And buy a scale." For more advice from
Tomasz, come to <a href="/classes/sourdough-101/">Sourdough 101</a>.
""",
    ),
    DemoPage(
        path="/blog/wedding-cake-trends-2024/",
        title="Wedding Cake Trends for 2024 | Cedar Hollow Bakery",
        description=(
            "Naked sponges, single tiers, dessert tables and seasonal flowers: what couples are "
            "asking Priya for this year, and how to choose your cake."
        ),
        h1="Wedding cake trends for 2024",
        body="""
Priya has designed more than two hundred wedding cakes for Cedar Hollow, and every year the
requests change a little. Here is what couples are asking for in 2024.

## Smaller cakes, more desserts

Fewer couples want a towering five-tier cake. Instead we are making a single beautiful tier for
cutting, alongside a dessert table of tarts, buns and cookies that guests can help themselves to
through the evening. It is more relaxed and there is far less waste.

## Seasonal flowers

Fresh flowers from Millbrook Flower Farm remain the most popular decoration. Couples increasingly
ask for whatever is in season on their date rather than a fixed colour scheme, and the results are
lovely: sweet peas in June, dahlias in September, hellebores in winter.

## Flavours

Lemon and elderflower has overtaken classic Victoria as our most requested sponge this year,
followed by chocolate with salted caramel. More couples are choosing a different flavour for each
tier so that guests can pick.

## Our advice

Book early, taste before you choose, and think about when the cake will be served. For everything
else, read about our <a href="/catering/weddings/" rel="nofollow">wedding cakes and catering</a>
service, or book a tasting on a Thursday afternoon.
""",
    ),
    DemoPage(
        path="/blog/coffee-pairings-for-pastries/",
        title="Coffee and Pastry Pairings | Cedar Hollow Bakery",
        description=(
            "Sam's guide to matching our coffees with our pastries: why a flat white loves a "
            "cardamom bun and what to drink with an almond croissant."
        ),
        h1="Coffee and pastry pairings",
        body="""
Sam, who looks after our coffee, has strong opinions about what to drink with what. We asked him to
write some of them down.

## Flat white and cardamom bun

The sweetness of steamed milk and the espresso's caramel notes bring out the cardamom without
drowning it. This is the pairing Sam has most mornings, and it is hard to argue with.

## Filter coffee and almond croissant

An almond croissant is rich and very sweet. A bright, fruity filter coffee, like the washed
Ethiopian we have on batch brew this month, cuts through the butter and frangipane and resets your
palate between bites.

## Espresso and dark chocolate cake

Our chocolate and olive oil cake is bitter, dense and not too sweet. A short espresso matches its
intensity, and a sip of water between the two keeps both tasting clean.

## Tea and sourdough toast

Not everything needs coffee. Our breakfast blend tea with a slice of buttered seeded sourdough is
one of the simplest and best things on the menu.

<p><a href="/menu/coffee/"><img src="/images/coffee-menu-button.png" width="200" \
height="60"></a></p>

See the whole coffee and drinks menu above, and come and argue with Sam in person at Riverside.
""",
    ),
    DemoPage(
        path="/blog/baking-with-kids/",
        title="Baking with Kids: Five Easy Bakes | Cedar Hollow",
        description=(
            "Five simple, forgiving bakes for children from Priya, who runs our kids' baking "
            "club: soft rolls, pizza snails, oat biscuits and more."
        ),
        h1="Baking with kids",
        body="""
Priya runs our kids' baking club in the school holidays, and she says the secret to baking with
children is to choose recipes that forgive. Here are five of her favourites.

## 1. Soft dinner rolls

A simple enriched dough with milk and a little butter. Children love kneading it and shaping it
into animals; hedgehogs with scissor-snipped spikes are a club favourite.

## 2. Pizza snails

Roll out bread dough, spread with tomato and cheese, roll it up and slice. They bake in twenty
minutes and are perfect for lunchboxes.

## 3. Oat and raisin biscuits

One bowl, no mixer and almost impossible to get wrong. Let the children measure everything
themselves with a digital scale.

## 4. Cheese straws

Shop-bought puff pastry, grated cheese and a twist. They are ready in fifteen minutes and disappear
in five.

## 5. Cinnamon buns

A longer project for a rainy weekend, with a very sticky reward.

## Bring them to the bakery

Our holiday club runs on Saturday mornings; see <a href="/classes/kids-baking/">kids' baking
club</a>. And this month's <a href="/specials/">seasonal specials</a> include a family bun box.
Older recipes from the club are still on the <a href="/old-menu/">old menu page</a>.
""",
    ),
    DemoPage(
        path="/blog/rye-bread-guide/",
        title="A Beginner's Guide to Rye Bread | Cedar Hollow Bakery",
        description=(
            "News, recipes and stories from Cedar Hollow Bakery in Millbrook. Read the latest "
            "from our bakers and find out what is coming out of the oven."
        ),
        h1="A beginner's guide to rye bread",
        body="""
Rye is the most misunderstood grain in the bakery. It behaves nothing like wheat, and if you treat
it like wheat you will get a brick. Treat it like rye and you will get one of the most delicious,
long-keeping breads there is.

## Why rye is different

Rye flour has very little gluten. Its structure comes instead from starches and gums called
pentosans, which absorb huge amounts of water. That is why rye dough is more like a thick paste:
you do not knead it, you stir it.

## Acid is your friend

Rye contains lots of an enzyme that breaks down starch, and if left unchecked it turns the crumb
gummy. Acidity stops it, which is why rye is almost always made with a sour starter. Our dark rye
uses a rye sour fed three times before mixing.

## Bake it in a tin, and wait

Because rye dough cannot hold its shape, bake it in a well-greased tin, low and slow: we bake ours
for ninety minutes at falling temperatures. Then comes the hardest part: wait at least twenty-four
hours before slicing. The crumb needs time to set.

## Where to start

A half-rye loaf, with equal parts rye and strong white flour, is a good first step. Or come to our
Rye and Nordic breads class, listed on the <a href="/classes/">classes page</a>.
""",
    ),
    DemoPage(
        path="/blog/farmers-market-saturdays/",
        title="Find Us at the Farmers' Market | Cedar Hollow Bakery",
        description=(
            "News, recipes and stories from Cedar Hollow Bakery in Millbrook. Read the latest "
            "from our bakers and find out what is coming out of the oven."
        ),
        h1="Find us at the farmers' market",
        body="""
From this month you can find Cedar Hollow at the Millbrook farmers' market in the Corn Exchange
square, every second and fourth Saturday from 8am to 1pm. It feels like coming home: Eleanor
started the bakery selling sourdough from a trestle table, and the market stall is the same idea.

## What we bring

The market stall carries our core breads, a tray of croissants and cardamom buns, and whatever is
new on the seasonal menu. We also bring market-only bakes: this month a cider and apple loaf made
with apples from the next stall along.

## Pre-orders

If you want a particular loaf, order online by 6pm on the Friday and choose the market as your
collection point. Pre-orders are packed and named, so you can skip the queue.

## Our neighbours

The best thing about the market is the company. We share the square with Bramble Farm dairy, who
make the butter for our croissants, with Ashcombe orchard, and with Millbrook Flower Farm. Come
early, bring a bag, and say hello.

## Rain or shine

The market runs in all weathers. In heavy rain we move under the Corn Exchange arches, and in the
snow last February we sold out of bread by nine.
""",
    ),
    DemoPage(
        path="/blog/reducing-food-waste/",
        title="How We Waste (Almost) Nothing | Cedar Hollow Bakery",
        description=(
            "From the community larder to bread-and-butter pudding: how Cedar Hollow keeps its "
            "food waste under two per cent, and what we still get wrong."
        ),
        h1="How we waste (almost) nothing",
        json_ld={
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": "How we waste (almost) nothing",
            "datePublished": "2024-06-12",
            "author": {"@type": "Person", "name": "Ruth Price"},
            "publisher": {"@type": "Organization", "name": "Cedar Hollow Bakery"},
        },
        body="""
A bakery that sells out of everything by closing time has baked too little; one that throws bread
away has baked too much. We try to walk that line, and last year we wasted just under two per cent
of what we baked. Here is how.

## Bake to the data

We keep a record of what sells every day, at each shop, with the weather. Tomasz plans the next
day's bake from the same day last week, adjusted for the forecast and for anything happening in
town. Rainy Tuesdays are quiet; sunny Saturdays before a bank holiday are not.

## Second lives

Yesterday's croissants become almond croissants. Yesterday's sourdough becomes breadcrumbs,
croutons for the café soup, and bread-and-butter pudding. Stale buns are toasted, dried and ground
into a crumb that goes into our cookies.

## The community larder

Whatever is left at closing time goes to the Millbrook community larder, which distributes it the
same evening. Two local schools also take bread for breakfast clubs.

## What we still get wrong

Christmas. Every year we overbake stollen. We are working on it.
""",
    ),
    DemoPage(
        path="/blog/gluten-free-baking-at-home/",
        title="Gluten-Free Baking at Home: Tips | Cedar Hollow Bakery",
        description=(
            "We cannot bake gluten-free safely in our kitchen, but you can at home. Flours, "
            "binders and recipes that work, from our bakers."
        ),
        h1="Gluten-free baking at home",
        body="""
People often ask why we do not sell gluten-free bread. The short answer is that our kitchen is
full of flour, and we cannot make anything safe enough for someone with coeliac disease. But we
love helping people bake, so here is what our bakers have learned about gluten-free baking at home.

## Flours

No single gluten-free flour behaves like wheat. A blend works best: we suggest brown rice flour
for body, buckwheat or teff for flavour, and tapioca or potato starch for lightness. Check that
your oats are certified gluten-free.

## Binders

Without gluten, something else has to hold the dough together. Psyllium husk is the home baker's
best friend: a tablespoon in a loaf gives a surprisingly bread-like crumb. Xanthan gum works in
cakes and biscuits.

## Hydration

Gluten-free doughs need more water than you expect, and they are batters rather than doughs. Bake
them in a tin and let them cool completely before slicing.

## Our old range

Last year we trialled a small gluten-free range, which we stopped because we could not rule out
cross-contamination. Its <a href="/menu/gluten-free/">menu page</a> is no longer available, but
the recipes above are a good place to start.
""",
    ),
    DemoPage(
        path="/blog/our-new-riverside-shop/",
        title=(
            "Our New Riverside Shop on Quay Street Is Now Open Every Day from 7am with a Bakery, "
            "a Café and a Terrace by the River"
        ),
        description=(
            "Cedar Hollow's second shop has opened in the old grain warehouse on Quay Street, "
            "with its own bakery, a forty-seat café and a riverside terrace."
        ),
        h1="Our new Riverside shop is open",
        body="""
After two years of planning, eighteen months of building work and one memorable week when the
oven would not fit through the door, our second shop is open. Cedar Hollow Riverside is on the
ground floor of the old grain warehouse at 3 Quay Street, looking out over the river.

## A bakery, not just a shop

We did not want to drive bread across town every morning, so Riverside has its own small bakery
behind a glass wall. The baguettes, rolls and croissants are baked there three times a day. The
sourdough still comes from Mill Lane, where Old Martha lives.

## The café

Riverside has forty seats, a long communal table made from the warehouse's old floor joists and a
terrace by the water for the summer. The menu is the same as Mill Lane's, with soup and sandwiches
at lunchtime.

## Thank you

Thank you to everyone who came to the opening weekend, to our neighbours on Quay Street for putting
up with the builders, and to Sam, who has run the café from day one. Find opening hours and access
details on the <a href="/locations/riverside/">Riverside shop page</a>.
""",
    ),
    DemoPage(
        path="/404.html",
        title="Page Not Found | Cedar Hollow Bakery",
        description=None,
        h1="Sorry, we could not find that page",
        canonical=None,
        robots="noindex",
        in_sitemap=False,
        aside=False,
        body="""
The page you were looking for has moved or no longer exists. Perhaps it sold out.

Try our <a href="/menu/">menu</a>, <a href="/blog/">the baker's journal</a> or the
<a href="/">home page</a>.
""",
    ),
)
