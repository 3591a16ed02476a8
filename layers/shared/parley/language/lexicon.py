"""Per-language word lists, folded as ``text.fold`` folds (no accents, no apostrophes).

One ``Lexicon`` per supported language; ``lexicon("es-MX")`` is the Spanish one. Phrases are
tuples of tokens. Everything is data: the modules that use it (numbers, dates, the turn engine's
small talk and corrections, NBQ detection, insights) hold the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from parley.language import SUPPORTED_LANGUAGES, base_language

# Comparator kinds: what a number with this word next to it bounds.
LESS, AT_MOST, MORE, AT_LEAST, ABOUT = "lt", "le", "gt", "ge", "about"


def _phrases(text: str) -> tuple[tuple[str, ...], ...]:
    """'a b|c' → (('a', 'b'), ('c',)), longest first."""
    found = {tuple(part.split()) for part in text.split("|") if part.strip()}
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Lexicon:
    code: str
    stop_words: frozenset[str]
    negations: frozenset[str]
    # numbers in words: value of each word, tens, hundreds, and multipliers (thousand, mil, k …)
    number_words: dict[str, int]
    multipliers: dict[str, int]
    # words that join number words ("treinta y dos", "one hundred and five")
    number_joiners: frozenset[str]
    # phrases that are a number by themselves ("a couple", "media docena")
    number_phrases: dict[tuple[str, ...], int]
    currency_words: frozenset[str]
    money_context: frozenset[str]
    comparators_before: dict[tuple[str, ...], str]
    comparators_after: dict[tuple[str, ...], str]
    range_starts: frozenset[str]  # between / entre
    range_joiners: frozenset[str]  # to / and (after "between") / a / y (after "entre")
    range_joiners_free: frozenset[str]  # joiners that make a range without "between": to, -, a, hasta
    people_nouns: frozenset[str]
    count_before: tuple[tuple[str, ...], ...]  # "for", "seats", "we are", "somos", "familia de"
    self_words: frozenset[str]  # me, I, yo
    relatives: dict[str, int]  # wife → 1, parents → 2
    possessives: frozenset[str]  # my, our, mi, nuestros
    list_joiners: frozenset[str]  # and, plus, y
    greetings: tuple[tuple[str, ...], ...]
    thanks: tuple[tuple[str, ...], ...]
    goodbyes: tuple[tuple[str, ...], ...]
    helps: tuple[tuple[str, ...], ...]
    acknowledgements: tuple[tuple[str, ...], ...]
    fillers: frozenset[str]  # words that may surround small talk without adding content
    human_terms: tuple[tuple[str, ...], ...]  # standalone: operator, a real person
    human_verbs: tuple[tuple[str, ...], ...]  # talk to, speak with
    human_targets: frozenset[str]  # person, agent, someone
    corrections: tuple[tuple[str, ...], ...]
    weekdays: tuple[str, ...]
    months: dict[str, int]
    today_words: frozenset[str]
    tomorrow_words: tuple[tuple[str, ...], ...]
    day_after_words: tuple[tuple[str, ...], ...]
    weekend_words: tuple[tuple[str, ...], ...]
    relative_starts: frozenset[str]  # in / en / dentro de
    span_days: dict[str, int]  # day → 1, week → 7, semana → 7
    out_of_scope: tuple[str, ...]
    places_before: tuple[str, ...] = ()  # "to" Berlin, "a" Monterrey
    # Verbs that reach an amount ("puedo llegar hasta 2000 euros", "i can go up to 800"): before an
    # amount they are the amount's words, not a delivery's "llegar".
    amount_verbs: frozenset[str] = frozenset()
    # Verbs of people coming over that join them to the story without saying who hosts ("para cuando
    # vengan nuestros hijos", "los domingos vienen a comer mis padres").
    coming_verbs: frozenset[str] = frozenset()
    # A couple as one word ("otra pareja de amigos", "una pareja"): two people after "another", "a"
    # (not English "a couple", which is as often "a couple of days").
    couple_words: frozenset[str] = frozenset()
    # Verbs whose subject only tells, recommends or pays ("mi vecina me recomendó", "mi marido dice
    # que …"): no one to seat.
    telling_verbs: frozenset[str] = frozenset()
    # Words that stress a phrase from inside ("me da totalmente igual"): the phrase still holds.
    intensifiers: frozenset[str] = frozenset()
    # Everyday words that are never taken for a typo of a deployment's word ("cable" is not "table").
    common_words: frozenset[str] = frozenset()
    # Wanting verbs ("i need", "quiero"): a request for a person only with the person right after
    # them ("i need someone", not "necesito que venga alguien a revisar el modem").
    human_wants: tuple[tuple[str, ...], ...] = ()
    # Words that correct something only as the first word of the text ("no, aluminium"; not "can i
    # return it if it does not fit").
    leading_corrections: frozenset[str] = frozenset()
    # Words between a number and a period that make it a rate ("55 a month", "30 al mes").
    rate_words: frozenset[str] = frozenset()
    # Words that make a lone "me" a count of one ("just me", "solo para mí").
    only_words: frozenset[str] = frozenset()
    # Chat spellings read as the word they stand for ("u" → "you", "pa" → "para").
    shorthands: dict[str, str] = field(default_factory=dict)
    # Words of indifference ("whatever", "me da igual"): they answer the question that was asked,
    # never a slot nobody asked about ("whatever, max 1500" says nothing about the material).
    indifference: tuple[tuple[str, ...], ...] = ()
    messages: dict[str, str] = field(default_factory=dict)
    # Nouns that are two people each after a number ("dos parejas", "two couples").
    pair_nouns: frozenset[str] = frozenset()
    # Partners of a group just counted ("mis 2 hermanos con sus esposas", "my two brothers and their
    # wives"): as many people again.
    partner_plurals: frozenset[str] = frozenset()
    # Family only after a possessive ("mis viejos", "mi jefe", "mi chico"): elsewhere these words
    # are something else ("una mesa chica", "el jefe de la tienda").
    kin_after_possessive: dict[str, int] = field(default_factory=dict)
    # Words that may stand between the people of one story without ending it ("… y los fines de
    # semana viene mi mamá", "… y casi siempre están también mi hermano y su esposa").
    story_links: frozenset[str] = frozenset()
    # Verbs of one person coming over ("a veces viene mi novio"): to the one who writes, who is there.
    visiting_verbs: frozenset[str] = frozenset()
    # First-person verbs that bring the one who writes along with whoever follows "with" ("vivo con
    # mi hermana": two people).
    oneself_verbs: frozenset[str] = frozenset()
    # Words that conclude a count with its total ("… así que cuatro", "… so that's five").
    count_conclusions: tuple[tuple[str, ...], ...] = ()
    # Two-word forms of ``only_words`` ("nada más").
    only_phrases: frozenset[tuple[str, ...]] = frozenset()
    # What one pays now ("me cobran 45", "i pay 45"), and words that want less than that ("más
    # barato", "cheaper"): beside them, the amount paid now is no budget.
    paying_now: tuple[tuple[str, ...], ...] = ()
    cheaper: tuple[tuple[str, ...], ...] = ()
    # What one has now ("tengo 8 gigas"), and words that say it falls short ("no me alcanzan"):
    # beside them, the amount one has is not the amount wanted.
    having_now: tuple[tuple[str, ...], ...] = ()
    not_enough: tuple[tuple[str, ...], ...] = ()


_EN = Lexicon(
    code="en",
    stop_words=_words(
        """a about above after again all also am an and any anything are as at be because been before ish
        being below both but by can cant could couldnt did didnt do does doesnt doing dont during
        each either else even ever every few for from further get gets getting got had has hasnt have
        havent having he her here hers him his how hows i id ill im ive if in into is isnt it its itself
        just lets like me might more most much must my myself no nor not now of off on once only or other
        our ours over own please pls plz really same shall she should so some such than that thats
        the their them then there theres these they this those through to too under until up upon us very
        was wasnt we wed well were weve what whats when where which while who whom why will with wont
        would wouldnt you youd youll your youre yours yourself hi hello hey hiya thanks thank ok okay yes
        yeah yep sure um uh erm hmm lol haha guys guy mate folks also kinda sorta gonna wanna gotta
        want wanted wants need needs needed looking look searching search trying try tell know
        let maybe perhaps pretty quite bit lot lots thing things stuff something someone somebody one
        ones actually basically literally honestly anyway oh ah well so im ya make makes made making take
        takes took taking give gives gave put puts come comes came keep keeps go goes going gone went say
        says said got btw also anyway u ur r since yesterday ago whenever everytime sorry"""
    ),
    negations=_words(
        "no not never dont doesnt didnt wont cant isnt arent nothing without none nope nah nobody noone"
    ),
    number_words={
        "zero": 0,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fourty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "hundred": 100,
        "dozen": 12,
    },
    multipliers={"thousand": 1000, "k": 1000, "grand": 1000, "million": 1_000_000},
    number_joiners=_words("and"),
    number_phrases={
        ("a", "couple"): 2,
        ("couple",): 2,
        ("a", "pair"): 2,
        ("a", "dozen"): 12,
        ("half", "a", "dozen"): 6,
        ("a", "hundred"): 100,
        ("a", "thousand"): 1000,
        ("a", "grand"): 1000,
    },
    currency_words=_words(
        "eur euro euros usd dollar dollars bucks buck gbp pound pounds quid mxn peso pesos chf franc francs"
    ),
    money_context=_words(
        "budget spend spending pay paying price priced cost costs costing afford money cheap expensive "
        "bucks euros dollars"
    ),
    comparators_before={
        **dict.fromkeys(_phrases("under|below|less than|lower than|cheaper than|beneath|sub"), LESS),
        **dict.fromkeys(
            _phrases(
                "up to|max|maximum|at most|no more than|not more than|not over|not above|no higher than|"
                "within|tops|at the most|a max of|a maximum of|upto"
            ),
            AT_MOST,
        ),
        **dict.fromkeys(_phrases("over|above|more than|greater than|higher than|bigger than|beyond"), MORE),
        **dict.fromkeys(
            _phrases("at least|minimum|min|from|starting at|no less than|not less than|a minimum of"),
            AT_LEAST,
        ),
        **dict.fromkeys(
            _phrases(
                "around|about|roughly|approximately|approx|circa|like|something like|somewhere around|"
                "more or less|close to|near|give or take|ballpark|in the region of"
            ),
            ABOUT,
        ),
    },
    comparators_after={
        **dict.fromkeys(_phrases("or less|or under|or below|max|tops|maximum|at most|or cheaper"), AT_MOST),
        **dict.fromkeys(
            _phrases("or more|plus|+|or above|or over|minimum|at least|and up|and above"), AT_LEAST
        ),
        **dict.fromkeys(_phrases("ish|or so|give or take|roughly|approx|more or less"), ABOUT),
    },
    range_starts=_words("between from"),
    range_joiners=_words("and to - till until through"),
    range_joiners_free=_words("to - till until"),
    people_nouns=_words(
        "people persons person guests guest adults adult kids kid children child friends friend diners "
        "diner seats seat seater seaters places pax folks humans members teenagers teens babies baby "
        "grandkids grandchildren family brothers sisters cousins sons daughters nephews nieces roommates "
        "flatmates neighbours neighbors colleagues boys girls lads guys ladies men women grandsons "
        "granddaughters toddlers nephews nieces"
    ),
    pair_nouns=_words("couples"),
    partner_plurals=_words("wives husbands partners girlfriends boyfriends spouses"),
    story_links=_words("have also too usually always sometimes often who lives live"),
    count_conclusions=_phrases(
        "so thats|so that is|thats|that makes|in total|all together|altogether|so we are"
    ),
    paying_now=_phrases(
        "i pay|im paying|i am paying|they charge me|charging me|charged me|i currently pay|currently paying|"
        "paying"
    ),
    cheaper=_phrases("cheaper|pay less|spend less|lower my bill|cut my bill|reduce my bill"),
    having_now=_phrases("i have|ive got|i've got|i get|currently have|my plan has|my plan gives me"),
    not_enough=_phrases("not enough|isnt enough|arent enough|run out|runs out|running out|i always run out"),
    count_before=_phrases(
        "for|seats|seating|seat|sits|sitting|fits|fit|table of|party of|family of|group of|we are|were|"
        "there are|there will be|there is|theres|we will be|well be|a table for|space for|room for|"
        "enough for|capacity of|total of"
    ),
    self_words=_words("me i myself im"),
    relatives={
        **dict.fromkeys(
            "wife husband partner girlfriend boyfriend fiance fiancee spouse mum mom mother dad father "
            "brother sister son daughter friend kid child baby grandma grandpa grandmother grandfather "
            "aunt uncle cousin nephew niece roommate flatmate mate neighbour neighbor colleague".split(),
            1,
        ),
        **dict.fromkeys("parents grandparents inlaws twins".split(), 2),
    },
    possessives=_words("my our the his her their"),
    list_joiners=_words("and plus with"),
    greetings=_phrases(
        "hi|hello|hey|hiya|howdy|heya|hey there|hi there|hello there|yo|sup|whats up|wassup|greetings|"
        "good morning|good afternoon|good evening|morning|evening|how are you|how are you doing|"
        "hows it going|how is it going|how r u|hows your day|hola|hallo|helo|hellooo|hii|hiii|heyy|heyyy"
    ),
    thanks=_phrases(
        "thanks|thank you|thank u|thx|ty|tysm|cheers|thanks a lot|thanks so much|thank you so much|"
        "much appreciated|appreciate it|i appreciate it|many thanks|thanks a bunch|great thanks|"
        "awesome thanks|perfect thanks|cool thanks|nice thanks|brilliant|awesome|perfect|great|"
        "lovely|amazing|wonderful|excellent|super|nice one|thats great|that is great|thats perfect|"
        "that helps|that helped|very helpful|helpful|cheers mate|ta|thanks mate|thank you mate|legend|"
        "thx a lot|thanks heaps|thanks loads|thx so much|many thx|much obliged|brill|sweet"
    ),
    goodbyes=_phrases(
        "bye|goodbye|good bye|bye bye|see you|see ya|see you later|later|cya|ciao|thats all|that is all|"
        "thats it|nothing else|im done|i am done|all done|have a nice day|have a good day|good night|"
        "take care|talk later|ttyl|adios|farewell|gotta go|i have to go|no thats all|nope thats all|"
        "bye for now|ok bye|bye then|laters|see you soon|speak soon|catch you later|thats everything|"
        "that is everything|thats all i needed|thats all for now|nothing more|im good"
    ),
    helps=_phrases(
        "help|what can you do|what can i ask|what do you do|what can you help with|what can you help me with|"
        "options|menu|what are my options|what are the options|how does this work|can you help me|"
        "can you help|i need help|help me|help please|what else can you do|who are you|what are you|"
        "are you a bot|are you a robot|are you human|start over|restart|main menu|what can i ask you|"
        "what do you know|what are you for|what can you help with|what do you help with|"
        "what can i do here|how can you help|how can you help me|what can you do for me"
    ),
    acknowledgements=_phrases(
        "ok|okay|k|kk|sure|alright|all right|fine|got it|yes|yeah|yep|yup|right|cool|ok cool|sounds good|"
        "understood|i see|hmm|hm|ah|oh|ok then|okay then|noted|fair enough|makes sense|perfect|great|"
        "awesome|excellent"
    ),
    fillers=_words(
        "so much very really again there you all guys folks team bot and oh ah well please pls then too "
        "just for the your help lot heaps loads tons mate buddy dude man everything again now"
    ),
    human_terms=_phrases(
        "operator|human|a human|real human|real person|a real person|actual person|an actual person|"
        "live agent|live person|live chat|customer service|customer support|customer care|"
        "representative|a representative|rep|an agent|agent|human agent|human being|someone real|"
        "talk to someone|speak to someone|speak with someone|talk with someone|call me|call me back|"
        "a manager|the manager|supervisor|a supervisor|someone from your team|a colleague|"
        "person please|human please|agent please"
    ),
    human_verbs=_phrases(
        "talk to|talk with|speak to|speak with|chat with|chat to|connect me to|connect me with|"
        "transfer me to|put me through to|let me talk to|"
        "let me speak to|i would like to speak to|id like to speak to|i wanna talk to|pass me to"
    ),
    human_wants=_phrases("get me|give me|i want|i need|can i get|i would like|id like|we need|we want"),
    human_targets=_words(
        "person human agent someone somebody operator representative rep manager supervisor staff "
        "people colleague advisor adviser assistant employee"
    ),
    corrections=_phrases(
        "actually|wait|instead|rather|i meant|i mean|make that|make it|change it to|change that to|"
        "change to|switch to|switch it to|scratch that|on second thought|on second thoughts|correction|"
        "better|i changed my mind|changed my mind|let me change|lets say|let us say|lets make it|"
        "go with|how about|what about|hmm actually|oh wait|no wait|oops|just kidding|jk|kidding|"
        "seriously though"
    ),
    weekdays=("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    months={
        name: number
        for number, names in enumerate(
            (
                ("january", "jan"),
                ("february", "feb"),
                ("march", "mar"),
                ("april", "apr"),
                ("may",),
                ("june", "jun"),
                ("july", "jul"),
                ("august", "aug"),
                ("september", "sep", "sept"),
                ("october", "oct"),
                ("november", "nov"),
                ("december", "dec"),
            ),
            start=1,
        )
        for name in names
    },
    today_words=_words("today tonight asap"),
    tomorrow_words=_phrases("tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow"),
    day_after_words=_phrases("day after tomorrow|the day after tomorrow"),
    weekend_words=_phrases("weekend|this weekend|the weekend"),
    relative_starts=_words("in within"),
    span_days={"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30},
    places_before=("to", "in"),
    amount_verbs=frozenset({"go", "stretch", "reach"}),
    intensifiers=frozenset({"really", "totally", "completely", "honestly", "truly", "absolutely"}),
    leading_corrections=_words("no not nope nah"),
    only_words=_words("just only"),
    rate_words=_words("a per each every"),
    shorthands={
        "u": "you",
        "ur": "your",
        "r": "are",
        "ppl": "people",
        "txt": "text",
        "txts": "texts",
        "msg": "message",
        "msgs": "messages",
        "gf": "girlfriend",
        "bf": "boyfriend",
        "hubby": "husband",
        "cuz": "because",
        "coz": "because",
        "abt": "about",
        "tho": "though",
        "thru": "through",
        "tech": "technician",
        "techs": "technicians",
        "nite": "night",
    },
    indifference=_phrases(
        "whatever|any|anything|dont mind|do not mind|i dont mind|doesnt matter|does not matter|"
        "dont care|i dont care|no preference|either|either is fine|up to you|you choose|you pick|"
        "you decide|your choice|surprise me|no idea|no clue|not sure|not fussy|open to anything|"
        "whatever you think|whatever you recommend|all of them|nothing in particular|none in particular|"
        "nothing specific|no particular preference|nothing in mind|not really|what do you recommend|"
        "what would you recommend|what do you suggest|whatever you suggest|you tell me"
    ),
    common_words=_words(
        """about above accept account actor actress address adult afraid after afternoon again against
        agree airport alarm album alive allow almost alone along already always amount angry animal
        another answer apple area argue army around arrive article artist asleep attack autumn avoid
        awake award baby back bacon badly bagel baker ball banana band bank barber basket bathroom
        battery beach beard beautiful because become bedroom beer before begin behind believe belt
        bench berry bicycle bike bird birthday black blame blanket blood blouse board boat body bone
        book boots border borrow boss bottle bottom bowl brain brave bread break breakfast bride
        bridge bright bring broken brother brown brush build burger burn business butter button cable
        cake calendar camera camp candle candy capital captain carpet carry castle catch cattle cause
        ceiling cellar center century chain chair chalk chance change chapter charge cheap cheese
        chess chest chicken child choose church cinema circle city class clean clear clever climb
        clock close cloth cloud coach coast coffee coin cold collect color colour comedy company
        computer concert cook cookie corner cotton couch count country cousin cover crash cream credit
        crowd crown cupboard curtain customer cycle daily dance dancer danger dark date daughter dead
        dear death decide deep degree dentist desert design desk dinner dirty doctor dollar donkey door
        double dozen dragon drama dream dress drink drive driver early earth easy eight elbow elephant
        email empty enemy energy engine enjoy enough enter entry error evening event exam example
        family famous farm farmer father fault favor favour feather feel female fence fever field film
        finger finish first fish flag flight floor flower focus follow food foot football forest fork
        friend front fruit funny future game garage gate ghost gift girl glass glove goal gold golf
        grass great green group guess guest guitar hair half hall hand happy hard hat head health
        heart heavy hello help hero high hill history hobby hockey holiday home honey horse hospital
        hotel hour house human hungry hurry husband idea island jacket jeans jewel joke juice jump
        kettle kitchen knife label ladder lady lake lamp laptop large laugh lawyer lazy leader learn
        leather lemon letter level library light lion listen little live lizard local lucky lunch
        machine magazine magic market match meal meat medicine meeting melon metal middle milk minute
        mirror money monkey month moon morning mother motor mountain mouse mouth movie music name
        nature nearly neck needle nephew never night noise north nose note nurse ocean office often
        orange other oven owner paint paper parent park party pasta pencil people pepper person photo
        piano picture piece pillow pilot pizza place plane plant plate player pocket point police
        potato pound power present price prince printer problem pupil puppy queen question quick
        rabbit radio rain reach ready reason record river road robot rock roof room rope round rugby
        salad salt sand school science score screen season seat second sheep shirt shoe shop short
        shower sister size skirt sleep small smile snake snow soap soccer sock soup south space speak
        spoon sport spring square stairs star station steak stone story street student sugar summer
        supper table teacher team teeth tennis thank thing throw ticket tiger today toilet tomato
        tongue tooth towel tower town train travel tree truck uncle under useful valley video village
        voice wait walk wall watch water weather wedding week weekend wheel white window wine winter
        woman wood word world write yellow young zebra"""
    ),
    out_of_scope=(
        "what is the weather like today",
        "will it rain tomorrow",
        "tell me a joke",
        "who won the game last night",
        "what is the capital city of that country",
        "whats the meaning of life",
        "can you write me a poem",
        "play some music",
        "book me a flight",
        "what time is it over there",
        "how do i cook pasta",
        "give me a recipe for lasagna",
        "who is the president",
        "what do you think about politics",
        "solve this math problem",
        "what is two plus two",
        "recommend a good movie",
        "i want to order a pizza",
        "how tall is mount everest",
        "translate this into french",
        "what is bitcoin worth",
        "do you like football",
        "tell me a story",
        "what is your favourite colour",
        "how old are you",
        "do you have a girlfriend",
        "whats the score of the match",
        "set an alarm for 7",
        "remind me to call my mom",
        "how do i lose weight",
        "can you do my homework",
        "what is the stock price of apple",
        "where is the nearest gas station",
        "call a taxi",
        "i need a doctor appointment",
        "my car broke down",
        "how do i fix my laptop",
        "what is love",
        "sing me a song",
        "who are the beatles",
        "what movies are on tonight",
        "the cat is sleeping on the sofa bed upstairs",
        "asdf qwerty",
        "banana",
        "i like turtles",
        "purple elephants",
        "is the earth flat",
        "how many calories in an apple",
        "whats trending on twitter",
        "help me with my taxes",
        "recommend a podcast",
        "who wrote harry potter",
        "how many people live on earth",
        "how do i open a bank account",
        "can you translate hello into german",
        "what is the speed of light",
        "where can i buy concert tickets",
        "how do i change a tyre",
        "what are the symptoms of flu",
        "tell me about ancient history",
        "do you like music",
        "are you a man or a woman",
        "what is your opinion on cats",
        "teach me to play chess",
        "whats the exchange rate of the euro",
        "how far is the moon",
        "i am bored",
        "lets play a game",
        "what languages do you speak",
        "suggest a name for my baby",
        "is it going to be sunny on saturday",
        "how hot will it be tomorrow",
        "do i need an umbrella today",
        "whats the forecast for next week",
        "how cold is it outside",
        "what happened in the news today",
        "who won the election",
        "whats going on in the world",
        "any breaking news",
        "why is the sky blue",
        "how do black holes form",
        "what is photosynthesis",
        "how many planets are in the solar system",
        "what is the boiling point of water",
        "how does gravity work",
        "what is the theory of relativity",
        "tell me a riddle",
        "say something funny",
        "do you know a knock knock joke",
        "make me laugh",
        "who is the best football player ever",
        "when is the next world cup",
        "who won the super bowl",
        "what was the score of the match",
        "how did the lakers do last night",
        "when does the tennis final start",
        "how many players are on a basketball team",
        "do you sell shoes",
        "where can i buy a new bike",
        "how much is an iphone",
        "i want to buy headphones",
        "do you sell clothes",
        "where can i get a gift for my mum",
        "what perfume should i buy",
        "do you have any sofas in stock",
        "i need a new fridge",
        "where do you live",
        "what do you look like",
        "do you have feelings",
        "do you dream",
        "what is your favourite food",
        "are you happy",
        "do you like me",
        "will you marry me",
        "how do i write a for loop in java",
        "what is a javascript promise",
        "fix my sql query",
        "how do i install python",
        "whats the difference between git merge and rebase",
        "explain recursion to me",
        "write a function that reverses a string",
        "what programming language should i learn",
        "i have a headache",
        "how do i get rid of a cough",
        "is coffee bad for you",
        "how much water should i drink a day",
        "how many hours should i sleep",
        "what are the symptoms of covid",
        "how do i make a cake",
        "whats a good recipe for chicken curry",
        "how long do i boil an egg",
        "what wine goes with fish",
        "how do i make bread at home",
        "whats the best pizza place near me",
        "where should i go on holiday",
        "whats the best beach to visit",
        "what are the opening hours of the museum",
        "how do i get a visa",
        "when does the bank open",
        "how do i invest in stocks",
        "should i buy gold",
        "whats the interest rate on a mortgage",
        "how do i save money for retirement",
        "what is inflation",
        "how much is 12 times 12",
        "what is the square root of 144",
        "solve x plus 5 equals 10",
        "convert 10 miles to kilometres",
        "how many days until christmas",
        "what day is it today",
        "what year is it",
        "play my favourite playlist",
        "what is the most popular song right now",
        "who is taylor swift",
        "recommend a good podcast",
        "what movies are on this week",
        "who directed the godfather",
        "is the new marvel film any good",
        "when was the eiffel tower built",
        "who was napoleon",
        "when did the roman empire fall",
        "who discovered america",
        "what is the biggest country in the world",
        "what is the longest river",
        "where is mount kilimanjaro",
        "what language do they speak there",
        "is it legal to drive without insurance",
        "how do i get a divorce",
        "what are my rights as a tenant",
        "how do i change the oil in my car",
        "why is my check engine light on",
        "how much does a new car cost",
        "my cat wont eat",
        "what should i feed my puppy",
        "how often should i walk my dog",
        "how do i fix a leaking roof",
        "my washing machine is broken",
        "how do i unblock a sink",
        "how do i paint a wall",
        "my boiler is not working",
        "how do i study for exams",
        "help me write an essay",
        "what is the best university",
        "how do i write a cv",
        "how do i ask for a raise",
        "i hate my job",
        "i just got fired",
        "my printer wont print",
        "how do i update windows",
        "my laptop is really slow",
        "how do i take a screenshot",
        "my girlfriend left me",
        "how do i make friends",
        "i feel lonely",
        "what is the meaning of happiness",
        "do you believe in god",
        "what happens after we die",
        "is time travel possible",
        "what is consciousness",
        "how many bones are in the human body",
        "who painted the mona lisa",
        "what is the fastest animal",
        "how many languages are there in the world",
        "can you speak french",
        "who made you",
        "whats your name",
        "are you chatgpt",
        "lets talk about something else",
        "i am hungry",
        "i cant sleep",
        "nothing",
        "random",
        "test",
        "where is my amazon package",
        "track my ebay order",
        "my dhl parcel hasnt arrived",
        "hello world",
    ),
)

_ES = Lexicon(
    code="es",
    stop_words=_words(
        """a al algo alguien algun alguna algunas alguno algunos ante antes asi aun bien cada como con
        contra cual cuales cualquier cuando de del desde donde dos el ella ellas ello ellos en entre era
        eramos eran eres es esa esas ese eso esos esta estaba estamos estan estar estas este esto estos
        estoy fue fueron ha han has hay he la las le les lo los me mi mis mucho muy nada ni nos nosotros
        o os otra otro para pero poco por porque que quien se sea ser si sido sin sobre son soy su sus
        tambien te tengo tiene tienen tienes todo todos tu tus un una uno unos unas usted ustedes vos y ya
        yo hola gracias porfa favor oye ok okey vale bueno pues este eh ah mmm jaja jeje ando andamos
        quiero quisiera queria quiera necesito necesitamos busco buscamos buscando estoy estamos gustaria
        me mas menos tipo onda neta osea o sea creo ver saber decir puedes puede podrias podria hacer
        cosa cosas algo aqui ahi alla alli va van vas voy vamos ir iba mucho mucha muchos muchas poco
        poca pocos pocas bastante cuanto cuanta cuantos cuantas puedo puedes podemos pueden podria
        podrias dime digame oigan oiga mio mia mios mias tuyo tuya siempre ayer hace desde cuando rato
        ocupo ocupamos ocupaba ocuparia interesa interesaria gustaria quisieramos andamos plis porfis
        ratito da dan dar dio dieron doy tan perdon perdona disculpa hasta hacia tras segun durante
        mediante pude pudo pudimos pudieron pudiera podre podra podras podriamos podeis teneis tenemos
        tenia teniamos tenias queremos quieres quieren quisieramos che digamos pongamos somos seriamos
        seremos otras otros cp dice dijo dicen dijeron quiere traemos traigo vivo vivimos"""
    ),
    negations=_words("no nunca jamas nada ni sin tampoco ninguno ninguna nel nadie"),
    number_words={
        "cero": 0,
        "uno": 1,
        "un": 1,
        "una": 1,
        "dos": 2,
        "tres": 3,
        "cuatro": 4,
        "cinco": 5,
        "seis": 6,
        "siete": 7,
        "ocho": 8,
        "nueve": 9,
        "diez": 10,
        "once": 11,
        "doce": 12,
        "trece": 13,
        "catorce": 14,
        "quince": 15,
        "dieciseis": 16,
        "diecisiete": 17,
        "dieciocho": 18,
        "diecinueve": 19,
        "veinte": 20,
        "veintiuno": 21,
        "veintiun": 21,
        "veintiuna": 21,
        "veintidos": 22,
        "veintitres": 23,
        "veinticuatro": 24,
        "veinticinco": 25,
        "veintiseis": 26,
        "veintisiete": 27,
        "veintiocho": 28,
        "veintinueve": 29,
        "treinta": 30,
        "cuarenta": 40,
        "cincuenta": 50,
        "sesenta": 60,
        "setenta": 70,
        "ochenta": 80,
        "noventa": 90,
        "cien": 100,
        "ciento": 100,
        "doscientos": 200,
        "doscientas": 200,
        "trescientos": 300,
        "trescientas": 300,
        "cuatrocientos": 400,
        "cuatrocientas": 400,
        "quinientos": 500,
        "quinientas": 500,
        "seiscientos": 600,
        "seiscientas": 600,
        "setecientos": 700,
        "setecientas": 700,
        "ochocientos": 800,
        "ochocientas": 800,
        "novecientos": 900,
        "novecientas": 900,
        "docena": 12,
    },
    multipliers={"mil": 1000, "k": 1000, "millon": 1_000_000, "millones": 1_000_000, "lucas": 1000},
    number_joiners=_words("y"),
    number_phrases={
        ("un", "par"): 2,
        ("par",): 2,
        ("una", "docena"): 12,
        ("media", "docena"): 6,
        ("un", "par", "de"): 2,
    },
    currency_words=_words(
        "eur euro euros usd dolar dolares dls peso pesos mxn varos baros bolas libras dollar dollars bucks "
        "pavos mangos"
    ),
    money_context=_words(
        "presupuesto gastar gasto pagar pago precio precios cuesta cuestan costo costar dinero barato "
        "caro pesos euros dolares lana budget dlls ahorrado ahorrados ahorros ahorre plata pasta guita"
    ),
    comparators_before={
        **dict.fromkeys(
            _phrases("menos de|menos que|por debajo de|abajo de|debajo de|bajo|inferior a|menor a|menor de"),
            LESS,
        ),
        **dict.fromkeys(
            _phrases(
                "hasta|maximo|como maximo|a lo mucho|a lo maximo|no mas de|no mas que|no mucho mas de|"
                "un maximo de|max|tope|tope de|limite de|con un tope de|pasar de|pasarme de|pasarnos de|"
                "pasarse de|pase de|no pase de|que no pase de"
            ),
            AT_MOST,
        ),
        **dict.fromkeys(
            _phrases("mas de|mas que|por encima de|arriba de|encima de|superior a|mayor a|mayor de"), MORE
        ),
        **dict.fromkeys(
            _phrases("al menos|minimo|como minimo|por lo menos|desde|a partir de|no menos de|un minimo de"),
            AT_LEAST,
        ),
        **dict.fromkeys(
            _phrases(
                "alrededor de|unos|unas|aprox|aproximadamente|mas o menos|cerca de|como|tipo|por ahi de|"
                "algo asi como|en torno a|rondando|rondando los|unos como"
            ),
            ABOUT,
        ),
    },
    comparators_after={
        **dict.fromkeys(_phrases("o menos|maximo|como maximo|a lo mucho|tope|maximo maximo"), AT_MOST),
        **dict.fromkeys(_phrases("o mas|para arriba|minimo|como minimo|+|en adelante"), AT_LEAST),
        # "mil y pico", "mil y tantos": a little more than the number
        **dict.fromkeys(_phrases("y pico|y algo|y tantos|y cacho|y feria|y algo mas"), MORE),
        **dict.fromkeys(_phrases("mas o menos|aprox|aproximadamente|o asi|por ahi"), ABOUT),
    },
    range_starts=_words("entre de desde"),
    range_joiners=_words("y a - hasta al"),
    range_joiners_free=_words("a - hasta al"),
    people_nouns=_words(
        "personas persona gente invitados invitadas invitado adultos adultas adulto ninos ninas nino nina "
        "hijos hijas hijo hija amigos amigas amigo amiga comensales comensal plazas plaza lugares lugar "
        "asientos asiento chamacos chavos morros peques bebes bebe integrantes miembros familiares "
        "cabros cabritos chiquillos chiquillas pibes pibas crios crias guaguas pelados hermanitos "
        "hermanitas hijitos hijitas primitos sobrinitos chamaquitos chamos compadres comadres panas cuates "
        "chicos chicas "
        "puestos puesto hermanos hermanas primos primas sobrinos sobrinas tios tias nietos nietas "
        "cunados cunadas vecinos vecinas companeros companeras roomies kids abuelitos abuelitas abueletes "
        "viejitos viejitas ancianos jubilados senores senoras clientes compis enanos enanas gurises gurisas "
        "botijas chiquilines nenes nenas"
    ),
    pair_nouns=_words("parejas matrimonios"),
    partner_plurals=_words("esposas esposos parejas mujeres maridos novias novios"),
    kin_after_possessive={
        **dict.fromkeys("viejo vieja jefe chico chica senora gordo gorda".split(), 1),
        **dict.fromkeys("viejos jefes".split(), 2),  # "mis viejos", "mis jefes": one's parents
    },
    story_links=_words(
        "esta estan estamos somos son viven vive vivimos tenemos vienen vendrian vendran llegan "
        "visitan caen tambien ademas siempre casi todos todas veces fines finde semana domingos sabados "
        "luego despues claro obvio que de a comer cenar desayunar almorzar merendar"
    ),
    # One person: two with the host. Many ("vienen mis suegros") come to a household of any size.
    visiting_verbs=_words("viene vendria vendra llega"),
    coming_verbs=_words("vienen vendrian vendran vengan venga llegan recibir"),
    oneself_verbs=_words("vivo vengo voy ando estoy comparto"),
    count_conclusions=_phrases(
        "asi que|o sea|en total|entonces somos|asi que somos|o sea que somos|total somos|pongamos|"
        "pongamosle|digamos|mejor pon|mejor ponle"
    ),
    count_before=_phrases(
        "para|somos|seremos|vamos a ser|seriamos|estamos|familia de|grupo de|mesa de|mesa para|"
        "una mesa para|caben|quepan|que quepan|sienta a|sentar a|capacidad para|capacidad de|espacio para|"
        "lugar para|en total somos|total|quepamos|que quepamos|cabemos|solemos ser|mesita para|mesita de|"
        "una mesita para|nos juntamos|nos reunimos|quedamos|nos quedamos"
    ),
    self_words=_words("yo mia mio"),  # "la mía y la de mi pareja": mine is one
    relatives={
        **dict.fromkeys(
            "esposa esposo pareja novia novio mujer marido mama mami papa papi madre padre hermano hermana "
            "hijo hija nino nina bebe abuela abuelo tia tio primo prima sobrino sobrina suegra suegro amigo "
            "amiga roomie companero companera vecino vecina cunada cunado yerno nuera nieto nieta pololo "
            "polola roommate jefa wife husband mom dad boyfriend girlfriend carnal carnala compadre comadre "
            "pana cuate compa abuelita abuelito quinceanera hermanito hermanita hijito hijita mai pai "
            "mamita papito alguien compi socio socia morra morro".split(),
            1,
        ),
        # A plural of family without a number ("mis tíos", "mis hijos"): two, the fewest it can be.
        **dict.fromkeys(
            "papas padres abuelos suegros gemelos gemelas tios tias primos primas hermanos hermanas hijos "
            "hijas sobrinos sobrinas nietos nietas cunados cunadas compadres comadres panas cuates compas "
            "esposos esposas maridos mellizos mellizas "
            "vecinos vecinas carnales hermanitos hermanitas abuelitos".split(),
            2,
        ),
    },
    possessives=_words("mi mis nuestro nuestra nuestros nuestras su sus los las el la"),
    list_joiners=_words("y mas con e plus"),
    greetings=_phrases(
        "hola|holi|holis|buenas|buenos dias|buen dia|buenas tardes|buenas noches|que tal|como estas|"
        "como esta|como le va|como te va|saludos|hey|que onda|quiubo|que hubo|ola|hola que tal|alo|"
        "buenass|holaa|holaaa|hello|hi|que tal todo|como va|como va todo|como van las cosas|todo bien|"
        "como andas|como andan|como estan|que hay|buenas buenas"
    ),
    thanks=_phrases(
        "gracias|muchas gracias|mil gracias|te agradezco|le agradezco|se agradece|muy amable|genial|"
        "perfecto|excelente|super|chido|que padre|padrisimo|grax|grasias|graciass|gracias totales|"
        "muchisimas gracias|gracias por todo|genial gracias|perfecto gracias|va gracias|ok gracias|"
        "sale gracias|muy bien|de lujo|me sirve|muy util|thanks|thank you|thx|se lo agradezco|"
        "se los agradezco|te lo agradezco|se les agradece|gracias por la ayuda|gracias por tu ayuda|"
        "gracias por su ayuda|mil grax|muy amables|que amable|gracias mil"
    ),
    goodbyes=_phrases(
        "adios|chao|chau|bye|hasta luego|hasta pronto|nos vemos|eso es todo|es todo|nada mas|seria todo|"
        "eso era todo|era todo|listo eso era todo|"
        "seria todo gracias|hasta la proxima|que tengas buen dia|que tenga buen dia|cuidate|me voy|"
        "ya me voy|listo eso es todo|nos vemos luego|bai|ahi nos vemos|por hoy es todo|es todo por hoy|"
        "eso es todo por hoy|seria todo por hoy|es todo por ahora|por ahora es todo|eso seria todo|"
        "ahi la vemos|ahi nos vidrios|hasta manana|sale bye|nos vemos pronto|que le vaya bien|"
        "que te vaya bien"
    ),
    helps=_phrases(
        "ayuda|ayudame|me ayudas|me puedes ayudar|necesito ayuda|que puedes hacer|que haces|que sabes hacer|"
        "opciones|menu|cuales son las opciones|que opciones hay|como funciona|como funciona esto|"
        "en que me puedes ayudar|en que me ayudas|quien eres|que eres|eres un bot|eres un robot|"
        "eres humano|empezar de nuevo|volver a empezar|menu principal|ayuda porfa|ayuda por favor|"
        "que te puedo preguntar|que puedo preguntar|que preguntas puedo hacer|para que sirves|"
        "con que me puedes ayudar|con que me ayudas|que puedes hacer por mi|como me puedes ayudar|"
        "que opciones tengo|que opciones me das|que opciones me ofreces|"
        "en que me pueden ayudar|con que me pueden ayudar|que hace este chat|que cosas sabes hacer|"
        "que cosas puedes hacer|que mas sabes hacer|que mas puedes hacer|que sabes|para que sirve esto|"
        "que puedo hacer|que se puede hacer|que hago|como le hago|como funciona el chat|que ofreces|"
        "que me ofreces|que me ofrecen|que ofrecen|en que me puede ayudar|con que me puede ayudar"
    ),
    acknowledgements=_phrases(
        "ok|okey|okay|vale|va|sale|claro|dale|bueno|si|sip|simon|aja|entendido|de acuerdo|ya veo|"
        "esta bien|perfecto pues|orale|ah ok|mmm|hmm|ah|oh|ya|listo|andale|venga|vale vale|genial|"
        "de una|dale dale|okis|oki|perfecto|perfecta|excelente|buenisimo|buenisima"
    ),
    fillers=_words(
        "muchas muy crack genio capo maestro de nuevo otra vez por favor porfa y oye pues entonces bueno "
        "tu su ayuda a todo amigo "
        "amiga compa joven carnal ahorita ya venga vale che tio tia oiga oigan mire disculpe senorita senor "
        "seno jefe jefa plis porfis porfavor xfa aqui hoy jaja jajaja jajajaja jeje jejeje jiji xd mmm hmm eh"
    ),
    human_terms=_phrases(
        "operador|operadora|asesor|asesora|un asesor|una asesora|agente|un agente|humano|un humano|"
        "persona real|una persona real|una persona|ejecutivo|ejecutiva|un ejecutivo|representante|"
        "atencion al cliente|servicio al cliente|soporte|alguien real|llamenme|que me llamen|marquenme|"
        "hablar con alguien|hablar con una persona|hablar con un humano|un supervisor|el gerente|encargado|"
        "me atienda alguien|que me atienda alguien|me atienda una persona|que me atiendan|"
        "me puede llamar alguien|poner en contacto|ponerme en contacto|contacto con alguien|"
        "persona que me pueda atender|persona que me atienda|alguien que me atienda|alguien con quien hablar|"
        "alguien de ventas|area de ventas|departamento de ventas|equipo de ventas|que me marquen|me marquen|"
        "me marcaran|me llamaran|que me llamaran|me llamen|me hablen por telefono|llamarme por telefono|"
        "marcarme|llamarme"
    ),
    human_verbs=_phrases(
        "hablar con|platicar con|comunicame con|comunicarme con|pasame con|pasame a|paseme con|"
        "conectame con|transfiereme con|transfiereme a|me pasas con|me comunicas con|pasar con|"
        "me puedes pasar con|me podes pasar con|podes pasarme con|pasarme con|me pones con|ponme con|"
        "contactar a|contactar con|atender por|hablarlo con|platicarlo con|tratarlo con|verlo con"
    ),
    human_wants=_phrases("quiero|necesito|quisiera|queremos|necesitamos|dame|deme|pasame"),
    human_targets=_words(
        "persona humano humana agente alguien operador operadora asesor asesora ejecutivo ejecutiva "
        "representante supervisor gerente encargado encargada empleado empleada vendedor vendedora "
        "dependiente dependienta responsable"
    ),
    corrections=_phrases(
        "mejor|en realidad|cambia|cambialo|cambialo a|cambiar a|mas bien|en vez de|"
        "en lugar de|quise decir|digo|corrijo|ahora que lo pienso|siempre no|espera|pensandolo bien|"
        "mejor que sea|que sea|ponle|pon|cambio de opinion|cambie de opinion|ups|mejor si|mejor no|"
        "mentira|mentiras|es broma|no es cierto|ya en serio|hablando en serio|no perdon|perdon no|"
        "me equivoque|me confundi|no espera|no perdona|perdona no|no perdone|perdone no|no disculpa|"
        "disculpa no|queria decir|quiero decir|queria poner"
    ),
    weekdays=("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo"),
    months={
        "enero": 1,
        "febrero": 2,
        "marzo": 3,
        "abril": 4,
        "mayo": 5,
        "junio": 6,
        "julio": 7,
        "agosto": 8,
        "septiembre": 9,
        "setiembre": 9,
        "octubre": 10,
        "noviembre": 11,
        "diciembre": 12,
        "ene": 1,
        "feb": 2,
        "mar": 3,
        "abr": 4,
        "jun": 6,
        "jul": 7,
        "ago": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dic": 12,
    },
    today_words=_words("hoy ahorita ya"),
    tomorrow_words=_phrases("manana|maniana|mannana"),
    day_after_words=_phrases("pasado manana"),
    weekend_words=_phrases("fin de semana|finde|este fin de semana|el fin"),
    relative_starts=_words("en dentro"),
    span_days={"dia": 1, "dias": 1, "semana": 7, "semanas": 7, "mes": 30, "meses": 30},
    places_before=("a", "en"),
    couple_words=frozenset({"pareja"}),
    telling_verbs=frozenset(
        "recomendo recomendaron recomienda recomendaba dice dijo dicen dijeron opina piensa paga pago "
        "pagara invita regala regalo manda mando paso pasaron".split()
    ),
    intensifiers=frozenset(
        "exactamente totalmente completamente absolutamente realmente sinceramente honestamente "
        "bastante poco un medio".split()
    ),
    amount_verbs=frozenset(
        "llegar llego llegamos llega llegaria llegariamos alcanzar alcanza alcanzo alcanzamos estirarme "
        "estirar estiro estirarnos subir subo subimos subiendo subiria subirle".split()
    ),
    leading_corrections=_words("no nel"),
    only_words=_words("solo solito solita solamente nomas unicamente"),
    only_phrases=frozenset({("nada", "mas"), ("no", "mas")}),
    paying_now=_phrases(
        "me cobran|me cobraron|me estan cobrando|pago|estoy pagando|me sale en|me sale|me salen|"
        "actualmente pago|ahorita pago|ahora pago|me llega de"
    ),
    cheaper=_phrases("mas barato|mas barata|mas economico|mas economica|pagar menos|gastar menos|bajar"),
    having_now=_phrases(
        "tengo|ahorita tengo|ahora tengo|actualmente tengo|mi plan tiene|mi plan trae|me dan"
    ),
    not_enough=_phrases(
        "no me alcanza|no me alcanzan|no alcanza|no alcanzan|se me acaban|se me acaba|me quedo sin|"
        "no me rinde|no me rinden|no es suficiente|no son suficientes|se me terminan|se me termina"
    ),
    rate_words=_words("al por cada"),
    shorthands={
        "q": "que",
        "somo": "somos",
        "ke": "que",
        "xq": "porque",
        "pq": "porque",
        "porq": "porque",
        "tb": "tambien",
        "tmb": "tambien",
        "d": "de",
        "pa": "para",
        "x": "por",
        "bn": "bien",
        "msj": "mensaje",
        "msjs": "mensajes",
        "kiero": "quiero",
        "nesesito": "necesito",
        "nececito": "necesito",
        "celu": "celular",
        "pers": "personas",
        "pax": "personas",
        "xfa": "porfa",
        "xfavor": "porfavor",
    },
    indifference=_phrases(
        "da igual|me da igual|lo que sea|la que sea|el que sea|cualquiera|cualquier|como sea|no importa|"
        "no me importa|no se|ni idea|no tengo idea|no tengo preferencia|sin preferencia|me da lo mismo|"
        "da lo mismo|tu elige|tu decide|elige tu|decide tu|el que me recomiendes|el que recomiendes|"
        "lo que recomiendes|lo que tu digas|ninguno en especial|me es indiferente|no tengo ni idea|"
        "tu dime|dime tu|lo que me recomiendes|la que me recomiendes|la que recomiendes|lo que usted diga|"
        "la que usted diga|recomiendame tu|sorprendeme|tu escoge|escoge tu|lo que tu quieras|"
        "la que tu quieras|cualquiera esta bien|cualquiera sirve|lo que tengas|la que tengas|"
        "no tengo preferencias|sin preferencias|no lo se|no se la verdad|me vale|ahi lo que sea|"
        "ninguno en particular|ninguna en particular|nada en particular|ninguna en especial|nada en especial|"
        "ninguno en concreto|ninguna en concreto|nada en concreto|no tengo ninguno en mente|"
        "ninguno en mente|nada en mente|que me recomiendas|tu que me recomiendas|que recomiendas|"
        "que me sugieres|tu que me sugieres|lo que me sugieras|el que me sugieras|la que me sugieras|"
        "recomiendame|sugiereme|que me recomienda|usted que me recomienda|usted digame|digame usted|"
        "usted dira|usted decide|elija usted|usted elija|no conozco de eso|no se de eso|lo que recomendeis|"
        "lo que recomiende"
    ),
    common_words=_words(
        """abuelo acera aldea pueblito ranchito isla islas aceite agua comento comenta comentar comentario
        ahora aire
        alegre algo almuerzo alto amarillo amigo amor animal ano antes
        arbol arroz auto autobus avion ayer azul baile bajo banco bano barco barrio bebida bicicleta
        blanco boca bolsa bosque brazo bueno burro caballo cabeza cable cafe caja calle calor cama
        camion camisa campo cancion cansado cara carne carro carta casa casi cena centro cerca cerdo
        cerveza chamarra chiste cielo cine ciudad claro clase coche cocina color comida como compra
        corazon correo cosa costa crema cuaderno cuarto cuchara cuello cuento cuerpo culpa dedo diente
        dinero doctor dolor domingo dulce edificio ejemplo escuela espalda espejo esposo estrella
        examen falda familia farmacia fiesta flor foto frio fruta fuego futbol gato gente gordo gracias
        grande gris guerra guitarra helado hermano hielo hierba hijo historia hoja hombre hora hospital
        hotel huevo idea iglesia isla jabon jardin joven juego jugo lago lapiz largo leche lengua
        libro limon llave lluvia lobo loco luna luz madre maestro maiz mano manzana mapa mar marido
        medico mejor mercado mesa miedo minuto montana mujer mundo musica naranja nariz negro nieve
        nino noche nombre nube nuevo numero ojo oreja oro oso otono padre pais pajaro palabra pan
        pantalon papel parque partido pasto pastel pelo pelota perro pescado pie piedra pierna piso
        playa plato pluma pobre pollo puerta queso radio raton regalo reloj rico rio rojo ropa rosa
        sabado sal salud sangre semana silla sobrino sol sombrero sopa suelo sueno tarde taza teatro
        techo tiempo tienda tierra tio tortilla trabajo tren triste vaca vaso vecino ventana verano
        verde vestido viaje viejo viento vino zapato carro cargo barco trenes coches"""
    ),
    out_of_scope=(
        "que clima hace hoy",
        "va a llover manana",
        "cuentame un chiste",
        "quien gano el partido ayer",
        "cual es la capital de ese pais",
        "cual es el sentido de la vida",
        "escribeme un poema",
        "pon musica",
        "reservame un vuelo",
        "que hora es alla",
        "como se cocina el arroz",
        "dame una receta de enchiladas",
        "quien es el presidente",
        "que opinas de la politica",
        "resuelve este problema de matematicas",
        "cuanto es dos mas dos",
        "recomiendame una pelicula",
        "quiero pedir una pizza",
        "que tan alto es el everest",
        "traduce esto al ingles",
        "cuanto vale el bitcoin",
        "te gusta el futbol",
        "cuentame una historia",
        "cual es tu color favorito",
        "cuantos anos tienes",
        "tienes novia",
        "como va el marcador del partido",
        "pon una alarma a las 7",
        "recuerdame llamar a mi mama",
        "como bajo de peso",
        "hazme la tarea",
        "a cuanto esta el dolar",
        "donde esta la gasolinera mas cercana",
        "pideme un taxi",
        "necesito una cita con el doctor",
        "se me descompuso el coche",
        "como arreglo mi laptop",
        "que es el amor",
        "cantame una cancion",
        "quienes son los beatles",
        "que peliculas hay en el cine",
        "el gato duerme en el sillon de arriba",
        "asdf qwerty",
        "platano",
        "me gustan las tortugas",
        "elefantes morados",
        "la tierra es plana",
        "cuantas calorias tiene una manzana",
        "que es tendencia en twitter",
        "ayudame con mis impuestos",
        "que hago de cenar",
        "quien escribio harry potter",
        "cuanta gente vive en la tierra",
        "como abro una cuenta de banco",
        "como se dice hola en aleman",
        "cual es la velocidad de la luz",
        "donde compro boletos para un concierto",
        "como cambio una llanta",
        "cuales son los sintomas de la gripa",
        "cuentame de historia antigua",
        "te gusta la musica",
        "eres hombre o mujer",
        "que opinas de los gatos",
        "ensename a jugar ajedrez",
        "a como esta el euro",
        "que tan lejos esta la luna",
        "estoy aburrido",
        "juguemos algo",
        "que idiomas hablas",
        "dame un nombre para mi bebe",
        "va a hacer sol el sabado",
        "que tanto calor va a hacer manana",
        "necesito paraguas hoy",
        "cual es el pronostico para la semana",
        "que tanto frio hace afuera",
        "que paso hoy en las noticias",
        "quien gano las elecciones",
        "que esta pasando en el mundo",
        "hay noticias de ultima hora",
        "por que el cielo es azul",
        "como se forman los hoyos negros",
        "que es la fotosintesis",
        "cuantos planetas hay en el sistema solar",
        "a cuantos grados hierve el agua",
        "como funciona la gravedad",
        "que es la teoria de la relatividad",
        "dime una adivinanza",
        "di algo gracioso",
        "cuentame un chiste de pepito",
        "hazme reir",
        "quien es el mejor futbolista de la historia",
        "cuando es el proximo mundial",
        "quien gano el super tazon",
        "como quedo el partido del america",
        "como le fue a las chivas",
        "a que hora es la final de tenis",
        "cuantos jugadores hay en un equipo de basquet",
        "venden zapatos",
        "donde compro una bici nueva",
        "cuanto cuesta un iphone",
        "quiero comprar audifonos",
        "venden ropa",
        "donde compro un regalo para mi mama",
        "que perfume me recomiendas",
        "tienen sillones en existencia",
        "necesito un refri nuevo",
        "donde vives",
        "como eres fisicamente",
        "tienes sentimientos",
        "suenas",
        "cual es tu comida favorita",
        "eres feliz",
        "te caigo bien",
        "te quieres casar conmigo",
        "como hago un ciclo for en java",
        "que es una promesa en javascript",
        "arregla mi consulta sql",
        "como instalo python",
        "cual es la diferencia entre git merge y rebase",
        "explicame la recursion",
        "escribe una funcion que invierta una cadena",
        "que lenguaje de programacion aprendo",
        "me duele la cabeza",
        "como se me quita la tos",
        "el cafe hace dano",
        "cuanta agua debo tomar al dia",
        "cuantas horas debo dormir",
        "cuales son los sintomas del covid",
        "como hago un pastel de chocolate",
        "receta de pozole",
        "cuanto tiempo se hierve un huevo",
        "que vino va con el pescado",
        "como hago pan en casa",
        "donde hay buenos tacos cerca",
        "a donde me voy de vacaciones",
        "cual es la mejor playa para ir",
        "a que hora abre el museo",
        "como saco la visa",
        "a que hora abre el banco",
        "como invierto en la bolsa",
        "me conviene comprar oro",
        "cual es la tasa de interes de una hipoteca",
        "como ahorro para el retiro",
        "que es la inflacion",
        "cuanto es 12 por 12",
        "cual es la raiz cuadrada de 144",
        "resuelve x mas 5 igual a 10",
        "cuantos kilometros son 10 millas",
        "cuantos dias faltan para navidad",
        "que dia es hoy",
        "en que ano estamos",
        "pon mi playlist favorita",
        "cual es la cancion de moda",
        "quien es bad bunny",
        "recomiendame un podcast",
        "que peliculas hay esta semana",
        "quien dirigio el padrino",
        "esta buena la nueva de marvel",
        "cuando construyeron la torre eiffel",
        "quien fue napoleon",
        "cuando cayo el imperio romano",
        "quien descubrio america",
        "cual es el pais mas grande del mundo",
        "cual es el rio mas largo",
        "donde esta el kilimanjaro",
        "que idioma hablan alla",
        "es legal manejar sin seguro",
        "como me divorcio",
        "cuales son mis derechos como inquilino",
        "como le cambio el aceite al carro",
        "por que se prendio el testigo del motor",
        "cuanto cuesta un carro nuevo",
        "mi gato no quiere comer",
        "que le doy de comer a mi cachorro",
        "cada cuanto saco a pasear a mi perro",
        "como arreglo una gotera",
        "se descompuso mi lavadora",
        "como destapo el fregadero",
        "como pinto una pared",
        "el boiler no calienta",
        "como estudio para el examen",
        "ayudame a escribir un ensayo",
        "cual es la mejor universidad",
        "como hago un cv",
        "como pido un aumento",
        "odio mi trabajo",
        "me acaban de correr",
        "mi impresora no imprime",
        "como actualizo windows",
        "mi laptop esta muy lenta",
        "como tomo una captura de pantalla",
        "mi novia me dejo",
        "como hago amigos",
        "me siento solo",
        "que es la felicidad",
        "crees en dios",
        "que pasa cuando morimos",
        "se puede viajar en el tiempo",
        "que es la conciencia",
        "cuantos huesos tiene el cuerpo humano",
        "quien pinto la mona lisa",
        "cual es el animal mas rapido",
        "cuantos idiomas hay en el mundo",
        "hablas frances",
        "quien te hizo",
        "como te llamas",
        "eres chatgpt",
        "hablemos de otra cosa",
        "tengo hambre",
        "no puedo dormir",
        "nada",
        "lo que sea",
        "prueba",
        "donde esta mi paquete de amazon",
        "rastrea mi pedido de mercado libre",
        "mi paquete de dhl no llega",
        "en que fecha estamos",
    ),
)

_LEXICONS = {"en": _EN, "es": _ES}


@cache
def lexicon(language: str) -> Lexicon:
    """The lexicon of a language code (``es-MX`` → Spanish); ``KeyError`` for an unsupported one."""
    base = base_language(language)
    if base not in SUPPORTED_LANGUAGES:
        raise KeyError(language)
    return _LEXICONS[base]
