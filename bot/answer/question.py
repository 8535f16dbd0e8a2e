"""What a question asks for and what it insists on, in the languages users write in.

`analyse(question, language)` gives
- the question's *type*: person, place, date, duration, number, reason, which (a choice of entity),
  definition ("what is …"), yes/no, or other — from question words in 17 languages;
- whether it asks who or what a named thing is ("Who is Elena Trufanova?", `Question.identity`): the
  answer is a description of it, which a few words of the quote rarely are (another name beside it
  would be a wrong bold answer), so such a question is answered with its quote, not a stated span;
- its *constraints*, which the evidence must meet for the answer to count: years, numbers, full dates,
  quoted phrases, names (Latin-script, or Cyrillic/Greek transliterated), a superlative, a negation.
  Numbers, years and Latin-script names are constraints in every language.

Everything here is plain pattern matching on the question (no model), bounded by the question's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from bot.answer import places
from bot.answer.time_scope import time_word_spans
from index.language import fold, transliterate
from index.textclean import clean_text

MAX_CHARS = 2000

#: question words per type and language; CJK and Thai patterns match without word boundaries
_TYPE_WORDS: dict[str, dict[str, str]] = {
    "duration": {
        "en": r"\bhow long\b|\bfor how many (?:days|weeks|months|years|hours)\b",
        "ru": r"сколько (?:времени|дней|лет|месяцев|недель|часов|суток)|как долго|на какой срок",
        "uk": r"скільки (?:часу|днів|років|місяців|тижнів|годин)|як довго",
        "de": r"\bwie lange\b", "fr": r"combien de temps|pendant combien", "es": r"cu[aá]nto tiempo|durante cu[aá]nto",
        "it": r"quanto tempo|per quanto", "pt": r"quanto tempo|por quanto tempo", "ro": r"c[aâ]t timp|c[aâ]t(?:ă)? vreme",
        "tr": r"ne kadar (?:süre|zaman)|kaç (?:gün|yıl|ay|hafta|saat) (?:boyunca|sürdü)", "el": r"πόσο (?:καιρό|διάστημα)|για πόσο",
        "he": r"כמה זמן|כמה ימים|כמה שנים|כמה חודשים|לכמה זמן", "ar": r"كم من الوقت|كم (?:يوما|يومًا|سنة|عاما|عامًا|شهرا|أسبوعا)|ما المدة|كم المدة",
        "zh": r"多长时间|多久|几年|几天|多少年|多少天", "hi": r"कितने समय|कब तक|कितने (?:दिन|साल|वर्ष|महीने)",
        "vi": r"bao lâu|trong bao lâu|mấy năm|mấy ngày", "th": r"นานเท่าไร|นานเท่าไหร่|นานแค่ไหน|กี่ปี|กี่วัน",
    },
    "date": {
        "en": r"\bwhen\b|\bwhat (?:year|date|day|month|time|decade|century)\b|\b(?:in|on) which (?:year|date|day|month)\b",
        "ru": r"\bкогда\b|в каком (?:году|месяце|веке|десятилетии|столетии)|какого числа|в какой день",
        "uk": r"\bколи\b|в якому (?:році|місяці|столітті)|якого числа",
        "de": r"\bwann\b|in welchem (?:jahr|monat|jahrhundert)|an welchem tag", "fr": r"\bquand\b|en quelle (?:ann[ée]e)|quel jour|à quelle date",
        "es": r"\bcu[aá]ndo\b|en qu[eé] (?:a[nñ]o|fecha|mes|siglo)", "it": r"\bquando\b|in che anno|in quale anno|in che data",
        "pt": r"\bquando\b|em que (?:ano|data|m[eê]s|s[eé]culo)", "ro": r"\bc[aâ]nd\b|[iî]n ce an|[iî]n ce (?:lun[aă]|secol)",
        "tr": r"ne zaman|hangi (?:yıl|tarih|gün|ay|yüzyıl)|kaç yılında", "el": r"\bπότε\b|ποια (?:χρονιά|ημερομηνία)|σε ποιο έτος",
        "he": r"\bמתי\b|ב(?:איזו|איזה) שנה|ב(?:אילו|איזה) שנים|באיזה (?:תאריך|יום|חודש)", "ar": r"\bمتى\b|في أي (?:عام|سنة|تاريخ|يوم|شهر)|ما (?:هو |هي )?(?:العام|السنة|السنوات|التاريخ|اليوم|الشهر|القرن|العقد) (?:الذي|التي)",
        "zh": r"什么时候|何时|哪一年|哪年|几月|哪天|哪一天|什么时间|什么年代|什么世纪|哪个世纪", "hi": r"\bकब\b|किस (?:वर्ष|साल|तारीख|दिन|महीने)",
        "vi": r"khi nào|bao giờ|năm nào|ngày nào|tháng nào|lúc nào", "th": r"เมื่อไร|เมื่อไหร่|เมื่อใด|ปีใด|ปีไหน|วันไหน",
    },
    "number": {
        "en": r"\bhow (?:many|much|old|far|often|big|large|tall|high|fast|deep|wide|heavy)\b|\bwhat (?:percentage|percent|number|amount|proportion|share)\b",
        "ru": r"\bсколько\b|\bскольк|какой процент|какое количество", "uk": r"\bскільки\b|який відсоток",
        "de": r"\bwie (?:viele?|alt|oft|weit|gro(?:ß|ss)|hoch|schnell)\b|wie viel", "fr": r"\bcombien\b|quel (?:âge|pourcentage)",
        "es": r"\bcu[aá]nt[oa]s?\b|qu[eé] porcentaje|qu[eé] edad", "it": r"\bquant[oaie]\b|che percentuale|che età",
        "pt": r"\bquant[oa]s?\b|que porcentagem|que idade", "ro": r"\bc[aâ]ț[ii]\b|\bc[aâ]te\b|\bc[aâ]t\b|ce procent|ce v[aâ]rst[aă]",
        "tr": r"\bkaç\b|ne kadar|yüzde kaç", "el": r"\bπόσ(?:οι|ες|α|ο|ος|η)\b", "he": r"\bכמה\b|בן כמה|בת כמה|איזה אחוז",
        "ar": r"\bكم\b|ما عدد|ما نسبة", "zh": r"多少|(?<![这那近前去好最十茶])几(?![乎何内经度])(?=[\u4e00-\u9fff])|第几|多大|多高|多远|百分之几", "hi": r"कितने|कितना|कितनी",
        "vi": r"bao nhiêu|mấy|tỷ lệ", "th": r"กี่|เท่าไร|เท่าไหร่|จำนวนเท่าใด",
    },
    "person": {
        "en": r"\bwho(?:m|se)?\b", "ru": r"\bкто\b|\bкого\b|\bкому\b|\bкем\b|\bч(?:ей|ья|ьё|ье|ьи|ьего|ьей|ьих|ьим|ьими|ью|ьему|ьём)\b",
        "uk": r"\bхто\b|\bкого\b|\bкому\b|\bким\b|\bч(?:ий|ия|иє|иї|ийого|иєї|иїх|ийому|иїй|иїм|ию|иєю|иїми)\b", "de": r"\bwer\b|\bwem\b|\bwen\b|\bwessen\b",
        "fr": r"\bqui\b", "es": r"\bqui[eé]n(?:es)?\b", "it": r"\bchi\b", "pt": r"\bquem\b", "ro": r"\bcine\b|\bcui\b|\bpe cine\b",
        "tr": r"\bkim(?:dir|in|i|e|ler)?\b", "el": r"\bποιος\b|\bποια\b|\bποιον\b|\bποιοι\b|\bτίνος\b", "he": r"(?:^|\s)(?:מי|למי|ממי|במי|מיהו|מיהי|מיהם|מיהן)(?!\w)",
        "ar": r"^\s*من\b|\bمن هو\b|\bمن هي\b|\bمن هم\b", "zh": r"谁|誰|哪位|什么人", "hi": r"\bकौन\b|\bकिसने\b|\bकिसको\b|\bकिसका\b|\bकिसकी\b",
        "vi": r"\bai\b", "th": r"ใคร",
    },
    "place": {
        "en": r"\bwhere\b|\b(?:what|which) (?:city|country|place|state|town|region|province|continent|island|river|area|location)\b",
        "ru": r"\bгде\b|\bкуда\b|\bоткуда\b|в каком (?:городе|месте|районе)|в какой стране", "uk": r"\bде\b|\bкуди\b|\bзвідки\b|в якому місті|в якій країні",
        "de": r"\bwo(?:hin|her)?\b|in welche[mr]? (?:stadt|land|ort)", "fr": r"\boù\b|dans quel(?:le)? (?:ville|pays)", "es": r"\bd[oó]nde\b|en qu[eé] (?:ciudad|pa[ií]s|lugar)",
        "it": r"\bdove\b|in quale (?:città|paese)", "pt": r"\bonde\b|em que (?:cidade|pa[ií]s)", "ro": r"\bunde\b|[iî]n ce (?:ora[sș]|[tț]ar[aă])",
        "tr": r"\bnerede\b|\bnereye\b|\bnereden\b|\bnere\b|hangi (?:şehir|ülke|yer)", "el": r"\bπού\b|\bαπό πού\b|σε ποια (?:πόλη|χώρα)",
        "he": r"\bאיפה\b|\bהיכן\b|\bלאן\b|\bמאיפה\b|באיזו (?:עיר|מדינה)", "ar": r"\bأين\b|\bاين\b|في أي (?:مدينة|بلد|دولة|مكان)",
        "zh": r"哪里|哪裡|哪儿|哪兒|在哪|(?:去|到|从|從|往|来自|來自)哪(?![个個些一种種位家所支座条條部本首])|什么地方|何处|哪个城市|哪个国家", "hi": r"\bकहाँ\b|\bकहां\b|किस (?:शहर|देश)", "vi": r"ở đâu|\bđâu\b|thành phố nào|nước nào|quốc gia nào",
        "th": r"ที่ไหน|ที่ใด|เมืองใด|ประเทศใด",
    },
    "reason": {
        "en": r"\bwhy\b|\bfor what reason\b|\bwhat (?:caused|led to)\b", "ru": r"\bпочему\b|\bзачем\b|по какой причине", "uk": r"\bчому\b|\bнавіщо\b",
        "de": r"\bwarum\b|\bweshalb\b|\bwieso\b", "fr": r"\bpourquoi\b", "es": r"por qu[eé]\b", "it": r"\bperch[eé]\b|per quale motivo",
        "pt": r"por que\b|porque\b", "ro": r"\bde ce\b", "tr": r"\bneden\b|\bniçin\b|\bniye\b", "el": r"\bγιατί\b", "he": r"\bלמה\b|\bמדוע\b",
        "ar": r"\bلماذا\b|\bلم\b", "zh": r"为什么|为何|什么原因|原因是什么|什么导致", "hi": r"\bक्यों\b", "vi": r"tại sao|vì sao", "th": r"ทำไม",
    },
    "which": {
        "en": r"\bwhich\b|\bwhat (?:is the name|was the name|name)\b|\bname the\b", "ru": r"\bкак(?:ой|ая|ое|ие|ого|ому|им|ом|ую|их|ими)\b(?!-)|\bкак (?:зовут|звали|называется|назывался)\b|\bкак(?:ова|ово|ов|овы)?\s+(?:фамилия|имя|название|прозвище)\b",
        "uk": r"\bяк(?:ий|а|е|і|ого|ому|им|ій|у|их|ими|ої|ою|ім)\b(?!-)|\bяк (?:звати|називається)\b", "de": r"\bwelche[rsmn]?\b|wie hei(?:ß|ss)t", "fr": r"\bquel(?:le)?s?\b|comment s'appelle",
        "es": r"\bcu[aá]l(?:es)?\b|qu[eé] nombre|c[oó]mo se llama", "it": r"\bquale\b|\bquali\b|come si chiama", "pt": r"\bqual\b|\bquais\b|como se chama",
        "ro": r"\bcare\b|\bce nume\b|cum se nume[sș]te", "tr": r"\bhangi\b|adı ne", "el": r"\bποι(?:ο|ες|α|ου|ας|ων|ους)\b|πώς λέγεται",
        "he": r"(?:^|\s)(?:[בלמש]|ו[בלמש]?)?(?:איזה|איזו)(?!\w)|(?:^|\s)(?:[בלמש]|ו[בלמש])?אילו(?!\w)|(?:^|\s)מה[וי]? (?:היה |היתה |הייתה |היו )?ה?ש(?:ם|מו|מה|מם|מן|מות\w*)(?!\w)|(?:^|\s)(?:איך|כיצד) (?:קוראים|נקרא|נקראה|נקראת|נקראים|נקראו)(?!\w)", "ar": r"\bأي\b|\bأية\b|(?:(?<!\w)|(?<=(?<!\w)[وف]))ما (?:هو |هي |هم |كان |كانت )?(?:اسم|أسماء|نوع|أنواع|لقب)(?!\w)|(?:(?<!\w)|(?<=(?<!\w)[وف]))ما (?:هو |هي |هم )?ال\w+(?: ال\w+){0,2} (?:الذي|التي|الذين)(?!\w)", "zh": r"哪(?![里裡儿兒怕吒])|叫什么|姓什么",
        "hi": r"कौन सा|कौन सी|कौन से|क्या नाम", "vi": r"\bnào\b|tên là gì|tên gì", "th": r"อันไหน|อะไรคือชื่อ|ชื่ออะไร|ไหน",
    },
    "definition": {
        "en": r"^\s*what (?:is|are|was|were) (?:an?\s+|the\s+)?[\w-]+\s*\??\s*$", "ru": r"^\s*что такое\b",
        "de": r"^\s*was (?:ist|sind) ", "fr": r"^\s*qu'est-ce que\b", "es": r"^\s*qu[eé] es\b", "he": r"^\s*מה זה\b|^\s*מהו\b|^\s*מהי\b",
    },
    "yesno": {
        "en": r"^\s*(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b",
        "ru": r"\bли\b", "de": r"^\s*(?:ist|sind|war|waren|hat|haben|hatte|kann|wird)\b", "fr": r"^\s*est-ce que\b",
        "he": r"^\s*האם\b", "ar": r"^\s*هل\b", "tr": r"\bm[ıiuü]\b", "zh": r"吗[？?]?\s*$", "hi": r"^\s*क्या\b", "vi": r"\bcó phải\b|\bkhông[？?]?\s*$",
        "th": r"ไหม[？?]?\s*$|หรือไม่", "el": r"^\s*(?:είναι|ήταν)\b", "ro": r"^\s*(?:este|era|a fost)\b",
    },
}
_ORDER = ("duration", "date", "number", "person", "place", "reason", "which", "definition", "yesno")
#: the word for "when" that also joins a clause ("…when he was abducted"), in the languages that use one
_CONJUNCTION_WHEN = re.compile(r"when|cu[aá]ndo|когда|коли|quand|quando|când|cand|πότε", re.IGNORECASE)

#: questions that ask for the story, not a fact ("what happened…", "tell me about…"): answered with quotes,
#: never with a few words picked from one of them
_OPEN_WORDS: dict[str, str] = {
    "en": r"\bwhat(?:'s|’s| is| was| has)? (?:happen(?:ed|ing|s)|going on|new)\b|\bwhat(?:'s|’s| is) the (?:latest|news|story|"
          r"situation|status)\b|\btell me (?:about|more)\b|\bwhat do (?:we|you) know about\b|\b(?:news|updates?) (?:on|about)\b|"
          r"\bsummari[sz]e\b",
    "ru": r"что (?:случилось|произошло|происходит|нового|известно)|расскаж(?:и|ите)|как(?:ие|ая) новост",
    "uk": r"що (?:сталося|трапилося|відбувається|нового|відомо)|розкаж(?:и|іть)|які новини",
    "de": r"\bwas\b[^?.!]{0,60}\b(?:passiert|geschehen)\b|was ist los|was gibt es neues|erz(?:ä|ae)hl|neuigkeiten",
    "fr": r"qu'est-ce qui (?:s'est passé|se passe)|que s'est-il passé|que se passe-t-il|quoi de neuf|parle[sz]?(?:-moi)? de|"
          r"quelles (?:sont les )?nouvelles",
    "es": r"qu[eé] (?:pas[oó]|ha pasado|sucedi[oó]|ocurri[oó]|est[aá] pasando|hay de nuevo|se sabe)|cu[eé]ntame|h[aá]blame de|"
          r"novedades",
    "it": r"cosa (?:è|e') successo|cosa (?:succede|sta succedendo|c'è di nuovo)|raccontami|parlami di|novità",
    "pt": r"o que (?:aconteceu|está acontecendo|houve|há de novo|se sabe)|conte-me|fale(?:-me)? sobre|novidades",
    "ro": r"ce s-a (?:întâmplat|intamplat)|ce se (?:întâmplă|intampla)|ce e nou|poveste[sș]te",
    "tr": r"ne oldu|neler oluyor|ne oluyor|ne var ne yok|anlat",
    "el": r"τι (?:συνέβη|έγινε|συμβαίνει|νέα)|πες μου για",
    "he": r"מה קרה|מה קורה|מה חדש|ספר(?:י)? לי על",
    "ar": r"ماذا حدث|ما الذي حدث|ماذا يحدث|ما الجديد|أخبرني عن|ما آخر",
    "zh": r"发生了什么|怎么了|出了什么事|有什么新|最新消息|介绍一下|讲讲",
    "hi": r"क्या हुआ|क्या हो रहा|क्या नया|बताइए|बताओ",
    "vi": r"chuyện gì|điều gì đã xảy ra|có gì mới|kể cho tôi",
    "th": r"เกิดอะไรขึ้น|มีอะไรใหม่|เล่าให้ฟัง",
}
_OPEN = {lang: re.compile(p, re.IGNORECASE) for lang, p in _OPEN_WORDS.items()}

#: "who is X?" (and "what is X?" in English, "что такое X?" in Russian) and nothing else, in the languages whose
#: names alone are capitalised (German capitalises every noun, Greek puts an article before a name); group
#: "rest" is X, an identity question when X is a name
_IDENTITY_WORDS: dict[str, str] = {
    "en": r"(?:who|what)(?:'s|’s|\s+(?:is|was|are|were))", "ru": r"(?:кто|что)\s+(?:так(?:ой|ая|ие|ое)|это|был[аи]?|есть)",
    "uk": r"хто\s+(?:так(?:ий|а|і|е)|це|був|була|були)",
    "fr": r"qui\s+(?:est|était|etait|sont|étaient)", "es": r"qui[eé]n(?:es)?\s+(?:es|era|fue|son|eran|fueron)",
    "it": r"chi\s+(?:è|e'|era|sono|erano|fu)", "pt": r"quem\s+(?:é|e|era|foi|são|eram)",
    "ro": r"cine\s+(?:este|e|era|a\s+fost|sunt)",
}
_IDENTITY = {lang: re.compile(rf"^[\s¿¡]*(?:{p})\s+(?P<rest>[^?？!]+?)\s*[?？!]*\s*$", re.IGNORECASE)
             for lang, p in _IDENTITY_WORDS.items()}
#: Turkish puts the question word last ("Elena Trufanova kimdir?"), so its first word is capitalised anyway
_IDENTITY["tr"] = re.compile(r"^\s*(?P<rest>[^?!]+?)\s+(?:kimdir|kim)\s*[?!]*\s*$", re.IGNORECASE)
_TR_PRONOUNS = frozenset({"bu", "şu", "o", "bunlar", "şunlar", "onlar", "sen", "siz", "ben", "biz"})
#: lower-case words inside a name ("Alexander of Macedon", "Troufanov and Cohen"): for `_CAPITALISED` and `identity`
_NAME_JOINERS = frozenset({"of", "de", "del", "da", "di", "du", "la", "le", "van", "von", "al", "bin", "the", "and", "y", "e",
                           "и"})


def _compile(language: str, qtype: str) -> re.Pattern | None:
    pattern = _TYPE_WORDS[qtype].get(language)
    return re.compile(pattern, re.IGNORECASE) if pattern else None


_PATTERNS = {(lang, qtype): p for qtype in _TYPE_WORDS for lang in _TYPE_WORDS[qtype]
             if (p := _compile(lang, qtype)) is not None}

#: negation and superlative words per language (checked in the question's language and English)
_NEGATION_WORDS = {
    "en": r"\b(?:not|never|no|none|nobody|nothing|without|cannot|neither|nor)\b|n't\b",
    "ru": r"\b(?:не|ни|нет|никогда|без)\b", "uk": r"\b(?:не|ні|ніколи|без)\b", "de": r"\b(?:nicht|kein(?:e[rsmn]?)?|nie|niemals|ohne)\b",
    "fr": r"\b(?:pas|jamais|sans|aucun(?:e)?)\b", "es": r"\b(?:no|nunca|sin|ning[uú]n(?:a)?)\b", "it": r"\b(?:non|mai|senza|nessun[oa]?)\b",
    "pt": r"\b(?:não|nunca|sem|nenhum(?:a)?)\b", "ro": r"\b(?:nu|niciodat[aă]|f[aă]r[aă]|niciun(?:a)?)\b", "tr": r"\b(?:değil|hiç|asla|olmadan)\b|m[ae]d[ıi]\b",
    "el": r"\b(?:δεν|μην|ποτέ|χωρίς)\b", "he": r"(?:^|\s)(?:לא|אין|מעולם|בלי|ללא)(?:\s|$)", "ar": r"(?:^|\s)(?:لا|لم|لن|ليس|ليست|بدون|دون)(?:\s|$)",
    "zh": r"不|没|未|从未|无", "hi": r"नहीं|कभी नहीं|बिना", "vi": r"\b(?:không|chưa|chẳng|chưa bao giờ)\b", "th": r"ไม่|ไม่เคย",
}
_SUPERLATIVE_WORDS = {
    "en": r"\b(?:most|least|largest|biggest|smallest|highest|lowest|longest|shortest|oldest|youngest|best|worst|greatest|earliest|fastest|richest|deadliest)\b",
    "ru": r"самы[йхемя]|самая|самое|наибольш|наименьш|крупнейш", "uk": r"найбільш|найменш|найкращ|найстарш|наймолодш|найвищ",
    "de": r"\bam (?:meisten|wenigsten)\b|\b(?:gr(?:ö|oe)(?:ß|ss)te|kleinste|h(?:ö|oe)chste|beste|(?:ä|ae)lteste|meiste)[nmrs]?\b",
    "fr": r"\b(?:le|la|les) (?:plus|moins)\b", "es": r"\b(?:el|la|los|las) (?:m[aá]s|menos)\b|\bmayor\b", "it": r"\b(?:il|la|i|le) (?:pi[uù]|meno)\b",
    "pt": r"\b(?:o|a|os|as) (?:mais|menos)\b|\bmaior\b", "ro": r"\b(?:cel|cea|cei|cele) mai\b", "tr": r"\ben (?:büyük|küçük|çok|az|yüksek|uzun|iyi)\b",
    "el": r"\b(?:ο|η|το|οι) πιο\b|μεγαλύτερ", "he": r"הכי|ביותר", "ar": r"أكبر|أصغر|أكثر|أقل|أعلى|أطول|أقدم",
    "zh": r"最", "hi": r"सबसे", "vi": r"\bnhất\b", "th": r"ที่สุด",
}
_NEGATION = {lang: re.compile(p, re.IGNORECASE) for lang, p in _NEGATION_WORDS.items()}
_SUPERLATIVE = {lang: re.compile(p, re.IGNORECASE) for lang, p in _SUPERLATIVE_WORDS.items()}
#: a phrase in double quotes or guillemets, or in single quotes that are not apostrophes ("Temüjin's wife Börte's")
_QUOTED = re.compile(r"[\"“«„]([^\"”»“]{2,80})[\"”»“]|(?<!\w)['‘‚]([^'‘’\"]{2,80}?)['’](?!\w)")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:\.\d+)?(?!\w)|(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
_YEAR = re.compile(r"(?<!\d)(1[0-9]\d\d|20\d\d|21\d\d)(?!\d)")
_CAPITALISED = re.compile(r"(?<![A-Za-zÀ-ÖØ-öø-ÿА-яЁёІіЇїЄєҐґΑ-Ωα-ω0-9'’])([A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐΑ-Ω][\w'’\-]*(?:\s+(?:"
                          + "|".join(sorted(_NAME_JOINERS, key=lambda w: (-len(w), w)))
                          + r")?\s*[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐΑ-Ω][\w'’\-]*)*)")


@dataclass(frozen=True)
class Constraint:
    """Something the evidence must contain: kind, the words as the question wrote them, and their match forms."""

    kind: str  # year | number | quote | entity | superlative | negation
    text: str
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    qtype: str | None
    constraints: tuple[Constraint, ...] = field(default=())
    open_ended: bool = False  # asks for the story ("what happened…"), not a fact
    identity: bool = False  # asks who or what a named thing is ("Who is Elena Trufanova?")

    @property
    def asks_for_fact(self) -> bool:
        """Whether a few words can answer it (who, when, where, how many, which…): not the story, not a reason,
        not who someone is."""
        return not self.open_ended and self.qtype != "reason" and not self.identity

    def of_kind(self, *kinds: str) -> list[Constraint]:
        return [c for c in self.constraints if c.kind in kinds]


def question_type(text: str, language: str) -> str | None:
    """The first type whose question words occur, trying the question's language first, then English — except
    that a bare "when" after another type's question word joins a clause ("How old was Herkin *when* he was
    abducted?" asks for a number, "Кто был лидером, *когда*…" for a person)."""
    found: list[tuple[str, re.Match[str]]] = []
    for qtype in _ORDER:
        for lang in dict.fromkeys((language, "en")):
            pattern = _PATTERNS.get((lang, qtype))
            match = pattern.search(text) if pattern is not None else None
            if match:
                found.append((qtype, match))
                break
    if not found:
        return None
    qtype, match = found[0]
    if qtype == "date" and _CONJUNCTION_WHEN.fullmatch(match.group(0)):
        opening = [t for t, m in found[1:] if t != "yesno" and m.start() < match.start()
                   and len(re.findall(r"\w+", text[:m.start()])) <= 1]  # the question opens with it
        if opening:
            return opening[0]
    return qtype


def open_ended(text: str, language: str) -> bool:
    """The question asks for the story ("what happened…", "tell me about…"), in its language or English."""
    return any(_OPEN[lang].search(text) for lang in dict.fromkeys((language, "en")) if lang in _OPEN)


def identity(text: str, language: str) -> bool:
    """The question asks who or what a named thing is, and nothing more: "Who is Elena Trufanova?", "Кто
    такая Ирена Тати?", "¿Quién es Sapir Cohen?" — not "Who is Sasha Troufanov's mother?" (a name answers
    that) nor "Who is the chief rabbi of Russia?"."""
    for lang in dict.fromkeys((language, "en")):
        pattern = _IDENTITY.get(lang)
        found = pattern.match(text) if pattern else None
        if found is None:
            continue
        words = found.group("rest").strip(" \"“”«»'’").split()
        if not 0 < len(words) <= 6 or not words[0][:1].isupper() or not words[-1][:1].isupper():  # "…of?"
            continue
        if any(re.search(r"\w['’]", w) for w in words):  # a possessive asks for what it owns: "Russia's GDP"
            continue
        if lang == "tr" and words[0].lower() in _TR_PRONOUNS:  # "Bu kim?": who is this
            continue
        if all(w[:1].isupper() or w.lower() in _NAME_JOINERS for w in words):
            return True
    return False


def number_forms(text: str) -> tuple[str, ...]:
    """'1,000' / '1 000' / '1.000' → ('1000',); '3.5' → ('3.5', '3,5')."""
    raw = text.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[,. ]\d{3})+", raw):
        return (re.sub(r"[,. ]", "", raw),)
    if re.fullmatch(r"\d+[.,]\d+", raw):
        return (raw.replace(",", "."), raw.replace(".", ","))
    return (raw,)


@lru_cache(maxsize=64)
def _question_words(language: str) -> frozenset[str]:
    words: set[str] = set()
    for table in (*_TYPE_WORDS.values(), _OPEN_WORDS):
        for lang in (language, "en"):
            pattern = re.sub(r"\\[bBsSwWdD]|\(\?:|\[[^\]]*\]", " ", table.get(lang, ""))
            words.update(w.lower() for w in re.findall(r"[^\W\d_]+", pattern))
    return frozenset(words)


def analyse(text: str, language: str) -> Question:
    text = clean_text(text[:MAX_CHARS])  # as the engine does: a right-to-left mark hides "من" at the start
    constraints: list[Constraint] = []
    years = set()
    for match in _YEAR.finditer(text):
        years.add(match.group(1))
        constraints.append(Constraint("year", match.group(1), (match.group(1),)))
    for match in _NUMBER.finditer(text):
        value = match.group(0)
        if value in years or _YEAR.fullmatch(value):
            continue
        constraints.append(Constraint("number", value, number_forms(value)))
    for match in _QUOTED.finditer(text):
        phrase = (match.group(1) or match.group(2)).strip()
        if len(phrase.split()) >= 1 and not phrase.isdigit():
            constraints.append(Constraint("quote", phrase, (fold(phrase),)))
    asked = _question_words(language)
    named = list(text)  # time words ("in February", "on Monday") are the time scope's, not names: blanked
    for start, end in time_word_spans(text, language):
        named[start:end] = " " * (end - start)
    for match in _CAPITALISED.finditer("".join(named)):
        name = match.group(1).strip(" -'’")
        words = [w for w in re.split(r"\s+", name) if w]
        while words and fold(words[0]) in asked:
            words = words[1:]
        if not words or (match.start() == len(text) - len(text.lstrip()) and len(words) == 1
                         and words[0].lower() in asked):
            continue
        name = " ".join(words)
        if len(name) < 3 or fold(name) in asked:
            continue
        forms = tuple(dict.fromkeys(_name_form(w, language) for w in words if len(w) >= 3))
        if forms:
            constraints.append(Constraint("entity", name, forms))
    for kind, table in (("superlative", _SUPERLATIVE), ("negation", _NEGATION)):
        for lang in dict.fromkeys((language, "en")):
            found = table[lang].search(text) if lang in table else None
            if found:
                constraints.append(Constraint(kind, found.group(0).strip()))
                break
    return Question(text, language, question_type(text, language), tuple(_dedupe(constraints)),
                    open_ended(text, language), identity(text, language))


def _name_form(word: str, language: str) -> str:
    """A name word's match form: folded and transliterated — or, for a country, its English name or that
    ("россии" → "russia|rossii"): `|` separates alternatives, either meets it."""
    written = fold(transliterate(word))
    english = places.english_country(word, language)
    return f"{english}|{written}" if english and english != written else written


def _dedupe(constraints: list[Constraint]) -> list[Constraint]:
    seen: set[tuple[str, str]] = set()
    out = []
    for c in constraints:
        key = (c.kind, fold(c.text))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
