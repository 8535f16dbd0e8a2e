"""The words of time per language: data only, read by bot.answer.time_scope (which documents the semantics).

Month and weekday names are NOT here: they come from Babel's locale data. This table holds what Babel has no
data for: relative expressions ("this week", "yesterday"), the modifiers around names ("last Monday",
"lunedì scorso"), words that make an ambiguous name a date ("in May"), future-tense markers, "ago" forms.

Every value is a regular-expression alternation, written as a reader types it; time_scope folds it like the
question (lower case; accents, niqqud, harakat and hamza seats dropped except in Vietnamese, Thai and
Hindi vowel signs), so "año"/"ano", "März"/"Marz", "Ιανουάριο"/"Ιανουαριο" all match. "future" is the
exception: it is matched on the lower-cased question with its accents ("tendrá" is future, "tendra" isn't).
Keys:
  today yesterday this_week last_week this_weekend last_weekend this_month last_month this_year last_year
      relative expressions resolved to a period; recent, latest: soft (recency) words; upcoming: the
      near future ("tomorrow", "next week": articles about it are recent ones).
  yesterday_or_tomorrow  Hindi कल: yesterday, or tomorrow when the verb is in the future tense.
  future     future-tense markers: "on Sunday" then means the coming Sunday, "in March" the coming March.
  last this next prev_week  modifiers before or after a weekday/month name ("last Monday", "lundi dernier";
             prev_week: that weekday of the previous calendar week, Chinese 上周一); "modifiers": "before" or
             "after" where they stand on one side only (Vietnamese "trước thứ Hai" is "before Monday"); a
             value starting with "<" or ">" is read only before or only after the name ("lundi dernier").
  ctx, ctx_after  words before/after an ambiguous name that make it a date ("in May", "ocak ayında").
  ago, past  templates with {n} (a number: digits or the words of "numbers") and {u} (a unit: day/week/
             month/year); "(?:{n} )?" means the number may be left out (= 1).
  numbers    the words for 1, 2, 3, 4, 5, comma-separated (Arabic/Hebrew duals count as 2).
  ambiguous  base forms (Babel's) of names that are also ordinary words; they need a date-like context.
  inflect    "endings|suffixes": word endings stripped from Babel's forms, suffixes added (в январе, στον Μάιο).
  prefix     clitics glued to a word (Hebrew ב/ל/מ/ה/ו/ש/כ, Arabic و/ف/ب/ل/ك).
  spaced     False where words are not separated by spaces (Chinese, Thai): substrings match.
  capital    True where a capital letter tells a weekday from an ordinal (Greek Τρίτη/τρίτη).
  alone      True where an ambiguous name followed by another word is an ordinal ("segunda posição").
  locales    more Babel locales whose names readers use (Levantine and Maghrebi months, traditional Chinese).
"""

from __future__ import annotations

WORDS: dict[str, dict[str, object]] = {
    "en": {
        "modifiers": "before",
        "today": "today|tonight|this morning|this afternoon|this evening",
        "yesterday": "yesterday|last night",
        "this_week": r"(?:earlier )?this week|this past week|(?:over |in |during )?the (?:past|last) (?:week|seven days"
                     r"|7 days|few days)|past week|in recent days|(?:a few )?days ago",
        "last_week": "last week|the previous week|the week before",
        "this_weekend": "this weekend|over the weekend|at the weekend|on the weekend",
        "last_weekend": "last weekend|this past weekend|the previous weekend",
        "this_month": "(?:earlier )?this month", "last_month": "last month|the previous month",
        "this_year": "(?:earlier )?this year|so far this year", "last_year": "last year|the previous year",
        "recent": r"recently|lately|of late|in recent (?:weeks|months)|recent|just (?:\w+ed|sold|won|made|became|took"
                  r"|got|hit|began|held|met|set|lost|left|said|saw|found|gave|went|came|broke|beat|ran|shut)",
        "latest": "latest|newest|most recent(?:ly)?|current(?:ly)?|(?:right )?now|nowadays|at present|presently"
                  "|these days|still|so far|to date|as of today|yet|even today|still today",
        "upcoming": "tomorrow|next (?:week|month|year)|upcoming|(?:in )?the coming (?:days|weeks|months)"
                    "|later this (?:week|month|year)|soon",
        "future": r"will|won't|'ll|shall|going to|set to|scheduled|expected to|plans? to|ahead of|upcoming",
        "last": "last|past|previous|this past", "this": "this", "next": "next|coming|this coming",
        "ctx": "in|on|since|during|until|till|from|by|of|early|late|mid|before|after|through|throughout|between"
               "|every|each",
        "ago": "{n} {u} ago", "past": "(?:the )?(?:past|last|previous) {n} {u}",
        "day": "days?", "week": "weeks?", "month": "months?", "year": "years?",
        "numbers": "one|a|an, two|a couple of|couple of, three, four, five",
        "ambiguous": "may|march|june|april|august",
    },
    "ru": {
        "modifiers": "before",
        "today": r"сегодня|сегодняшн\w*", "yesterday": r"вчера|вчерашн\w*",
        "this_week": "на этой неделе|на текущей неделе|на неделе|за (?:эту|последнюю|прошедшую) неделю|на днях"
                     "|в последние (?:несколько )?дни",
        "last_week": r"на прошлой неделе|на прошедшей неделе|на минувшей неделе|прошлой недел[иеюя]",
        "this_weekend": "в эти выходные|на этих выходных|в выходные|на выходных",
        "last_weekend": "в прошлые выходные|на прошлых выходных|в минувшие выходные|прошлых выходных",
        "this_month": "в этом месяце|в текущем месяце|за этот месяц|этого месяца|текущего месяца",
        "last_month": "в прошлом месяце|в минувшем месяце|в прошедшем месяце|прошлого месяца",
        "this_year": "в этом году|в текущем году|в нынешнем году|этого года|текущего года|с начала года"
                     "|за этот год",
        "last_year": "в прошлом году|в минувшем году|в прошедшем году|прошлого года",
        "recent": r"недавно|недавн\w*|в последнее время|за последнее время",
        "latest": r"самы\w+ (?:последн|свеж)\w*|последн(?:ие|яя|ий|ее) (?:данные|новости|сведения|версия|прогноз\w*)"
                  r"|новейш\w*|сейчас|теперь|в настоящее время|на данный момент|нынешн\w*"
                  r"|текущ\w*|действующ\w*|до сих пор|по-прежнему|вс[её] ещ[её]|актуальн\w*",
        "upcoming": r"завтра|завтрашн\w*|на следующей неделе|на будущей неделе|в следующем месяце"
                    r"|в (?:следующем|будущем) году|предстоящ\w*|ближайш\w*",
        "future": r"будет|будут|буду|будем|будете|состоится|состоятся|предстоит|собирается|собираются"
                  r"|планирует|планируют|намерен\w*|ожидается|ожидаются",
        "last": r"прошл\w*|минувш\w*|прошедш\w*", "this": r"эт(?:от|а|у|ой|им|ом)|текущ\w*|нынешн\w*",
        "next": r"следующ\w*|будущ\w*|ближайш\w*|предстоящ\w*",
        "ctx": r"в|во|с|со|до|по|к|на|за|каждую|каждый|начале|конце|середине|течение",
        "ago": "(?:{n} )?{u} назад", "past": "(?:за |в )?последние {n} {u}",
        "day": "день|дня|дней|сутки|суток", "week": "неделю|недели|недель", "month": "месяц|месяца|месяцев",
        "year": "год|года|лет",
        "numbers": "один|одну|одна, два|две|пару, три, четыре, пять",
        "ambiguous": "среда",  # also "environment"
        "inflect": "ь я й а е|ь я е ю ем ём а у ом ы и ой",
    },
    "uk": {
        "modifiers": "before",
        "today": r"сьогодні|сьогоднішн\w*", "yesterday": r"вчора|учора|вчорашн\w*",
        "this_week": "цього тижня|на цьому тижні|за цей тиждень|за останній тиждень|днями|останніми днями",
        "last_week": "минулого тижня|на минулому тижні|попереднього тижня",
        "this_weekend": "ці вихідні|цих вихідних|на вихідних|[ув] вихідні",
        "last_weekend": "минулих вихідних|[ув] минулі вихідні",
        "this_month": "цього місяця|[ув] цьому місяці|поточного місяця",
        "last_month": "минулого місяця|[ув] минулому місяці|попереднього місяця",
        "this_year": "цього року|[ув] цьому році|цьогоріч|поточного року|нинішнього року",
        "last_year": r"минулого року|[ув] минулому році|торік|торішн\w*|попереднього року",
        "recent": r"нещодавно|нещодавн\w*|останнім часом|віднедавна",
        "latest": r"останні (?:дані|новини|відомості)|найновіш\w*|найсвіжіш\w*|зараз|тепер|нині|наразі|досі"
                  r"|поточн\w*|чинн\w*"
                  r"|нинішн\w*|як і раніше|все ще",
        "upcoming": r"завтра|завтрашн\w*|наступного (?:тижня|місяця|року)|на наступному тижні|майбутн\w*",
        "future": r"буде|будуть|буду|будемо|відбудеться|відбудуться|\w+тиме|\w+тимуть|планує|планують"
                  r"|збирається|очікується",
        "last": r"минул\w*|попередн\w*", "this": "цей|ця|цю|цього|цьому|цієї|цій",
        "next": r"наступн\w*|майбутн\w*|найближч\w*",
        "ctx": r"у|в|з|із|до|від|по|на|за|протягом|початку|кінці|середині|кожн\w*",
        "ago": "(?:{n} )?{u} тому", "past": "(?:за )?останні {n} {u}",
        "day": "день|дні|днів|добу", "week": "тиждень|тижні|тижнів", "month": "місяць|місяці|місяців",
        "year": "рік|роки|років",
        "numbers": "один|одну|одна, два|дві|пару, три, чотири, пʼять",
        "ambiguous": "лютий|лютого",  # also "fierce"
        "inflect": "ь я й ий ого ок а|ь я і ю ем ий ого ому а у ка ку ком ці га ою",
    },
    "he": {
        "modifiers": "after",
        "today": "היום|הבוקר", "yesterday": "אתמול|אמש",
        "this_week": "השבוע|בשבוע האחרון|בשבוע הנוכחי|בימים האחרונים|במהלך השבוע",
        "last_week": "בשבוע שעבר|שבוע שעבר|בשבוע הקודם|בשבוע שחלף",
        "this_weekend": "בסוף השבוע|סוף השבוע", "last_weekend": "בסוף השבוע שעבר|סוף השבוע שעבר",
        "this_month": "החודש|בחודש הנוכחי|בחודש האחרון", "last_month": "בחודש שעבר|חודש שעבר|בחודש הקודם",
        "this_year": "השנה|בשנה הנוכחית", "last_year": "בשנה שעברה|שנה שעברה|אשתקד|בשנה הקודמת",
        "recent": "לאחרונה|בזמן האחרון|בתקופה האחרונה",
        "latest": r"העדכני\w*|החדש ביותר|החדשה ביותר|האחרון ביותר|עכשיו|כעת|כיום|עד היום|נכון להיום"
                  r"|נכון לעכשיו|הנוכחי|הנוכחית|עדיין|המכהן|המכהנת",
        "upcoming": "מחר|בשבוע הבא|שבוע הבא|בחודש הבא|בשנה הבאה|הקרוב|הקרובה|הקרובים|בקרוב",
        "future": r"יהיה|תהיה|יהיו|יתקיים|תתקיים|יתקיימו|עתיד|עתידה|עתידים|צפוי|צפויה|צפויים|הבא|הבאה",
        "last": "שעבר|שעברה|הקודם|הקודמת|האחרון|האחרונה", "this": "הזה|הזאת|הנוכחי|הנוכחית",
        "next": "הבא|הבאה|הקרוב|הקרובה",
        "ctx": "חודש|בחודש|מחודש|עד|מאז|מתחילת|בתחילת|בסוף|באמצע",
        "ago": "לפני (?:{n} )?{u}",
        "day": "ימים|יום|יומיים", "week": "שבועות|שבוע|שבועיים", "month": "חודשים|חודש|חודשיים",
        "year": "שנים|שנה|שנתיים",
        "numbers": "אחד|אחת, שני|שתי|שניים|שתיים|יומיים|שבועיים|חודשיים|שנתיים, שלושה|שלוש, ארבעה|ארבע"
                   ", חמישה|חמש",
        "ambiguous": "מרץ|מאי",  # also "vigour", "director"
        "ctx_after": r"\?|!|\.|$",
        "prefix": "(?:ו|ש|כש)?[בלמ]?",
    },
    "ar": {
        "modifiers": "after",
        "today": "(?<!في )اليوم|هذا الصباح|الليلة", "yesterday": "أمس|الأمس|البارحة|ليلة أمس",
        "this_week": "هذا الأسبوع|الأسبوع الحالي|الأسبوع الجاري|خلال الأسبوع|في الأيام الأخيرة"
                     "|الأيام القليلة الماضية",
        "last_week": "الأسبوع الماضي|الأسبوع المنصرم|الأسبوع السابق|الأسبوع الفائت",
        "this_weekend": "عطلة نهاية الأسبوع|نهاية الأسبوع|عطلة هذا الأسبوع",
        "last_weekend": "عطلة نهاية الأسبوع الماضي|نهاية الأسبوع الماضي",
        "this_month": "هذا الشهر|الشهر الحالي|الشهر الجاري",
        "last_month": "الشهر الماضي|الشهر المنصرم|الشهر السابق|الشهر الفائت",
        "this_year": "هذا العام|هذه السنة|العام الحالي|العام الجاري|السنة الحالية|السنة الجارية",
        "last_year": "العام الماضي|السنة الماضية|العام المنصرم|العام السابق|العام الفائت",
        "recent": "مؤخرا|في الآونة الأخيرة|حديثا|في الفترة الأخيرة",
        "latest": "أحدث|الأحدث|آخر الأخبار|آخر المستجدات|الآن|حاليا|الحالي|الحالية|لا يزال|لا تزال|ما زال|ما زالت"
                  "|لازال|حتى الآن",
        "upcoming": "غدا|الأسبوع المقبل|الأسبوع القادم|الشهر المقبل|الشهر القادم|العام المقبل|العام القادم"
                    "|السنة المقبلة|السنة القادمة|المقبل|المقبلة|القادم|القادمة",
        "future": "سوف|من المقرر|من المتوقع|المقبل|المقبلة|القادم|القادمة",
        "last": "الماضي|الماضية|المنصرم|السابق|الفائت", "this": "هذا|هذه|الحالي|الجاري",
        "next": "المقبل|المقبلة|القادم|القادمة",
        "ctx": "في|منذ|حتى|خلال|شهر|من|أوائل|أواخر|منتصف|بداية|نهاية|يوم",
        "ago": "(?:منذ|قبل) (?:{n} )?{u}",
        "day": "يوم|أيام|يومين", "week": "أسبوع|أسابيع|أسبوعين", "month": "شهر|أشهر|شهور|شهرين",
        "year": "سنة|سنوات|عام|أعوام|عامين|سنتين",
        "numbers": "واحد|واحدة, اثنين|اثنان|اثنتين|يومين|أسبوعين|شهرين|عامين|سنتين, ثلاثة|ثلاث, أربعة|أربع"
                   ", خمسة|خمس",
        "ambiguous": "مارس|آب|نيسان|الاثنين|الأحد",  # practised, father, Nissan, the two, the one
        "prefix": "[وفبلك]{0,2}",
        "locales": "ar_SY ar_DZ ar_MA",
    },
    "de": {
        "modifiers": "before",
        "today": r"heute|heutig\w*", "yesterday": r"gestern|gestrig\w*",
        "this_week": "diese woche|dieser woche|in der laufenden woche|in den (?:letzten|vergangenen) tagen"
                     "|vor (?:wenigen|ein paar) tagen",
        "last_week": "letzte woche|letzten woche|vergangene woche|vergangenen woche|vorige woche|vorigen woche"
                     "|vorwoche",
        "this_weekend": "dieses wochenende|diesem wochenende|am wochenende|übers wochenende",
        "last_weekend": "letztes wochenende|letzten wochenende|vergangenes wochenende|vergangenen wochenende",
        "this_month": "diesen monat|diesem monat|dieses monats|im laufenden monat",
        "last_month": "letzten monat|vergangenen monat|vorigen monat|vormonat",
        "this_year": "dieses jahr|diesem jahr|dieses jahres|im laufenden jahr|heuer",
        "last_year": "letztes jahr|letzten jahr|vergangenes jahr|vergangenen jahr|voriges jahr|vorigen jahr"
                     "|vorjahr",
        "recent": "kürzlich|neulich|vor kurzem|in letzter zeit|jüngst|unlängst|zuletzt",
        "latest": r"neuest\w*|jetzt|derzeit\w*|aktuell\w*|gegenwärtig\w*|momentan\w*|zurzeit|zur zeit"
                  r"|noch immer|immer noch|nach wie vor|mittlerweile|inzwischen|amtierend\w*",
        "upcoming": r"morgen|(?:nächste|nächsten|kommende|kommenden) (?:woche|monat)|(?:nächstes|nächsten"
                    r"|kommendes|kommenden) jahr|bevorstehend\w*",
        "future": r"wird|werden|wirst|werde|soll|sollen|bevorstehend\w*|geplant\w*|nächst\w*|kommend\w*",
        "last": r"letzt\w*|vergangen\w*|vorig\w*", "this": r"dies\w*", "next": r"nächst\w*|kommend\w*",
        "ctx": r"im|in|am|seit|bis|ab|anfang|ende|mitte|vom|zum|von|jeden|jeder",
        "ago": "vor (?:{n} )?{u}", "past": "(?:in )?den (?:letzten|vergangenen) {n} {u}",
        "day": "tag|tagen|tage", "week": "woche|wochen", "month": "monat|monaten|monate", "year": "jahr|jahren|jahre",
        "numbers": "einem|einer|eine|ein, zwei, drei, vier, fünf",
        "ambiguous": "august",
        "inflect": "|s",
    },
    "fr": {
        "today": "aujourd'hui|ce matin|ce soir|cet après-midi", "yesterday": "hier",
        "this_week": "cette semaine|ces derniers jours|ces jours-ci|il y a quelques jours",
        "last_week": "la semaine dernière|la semaine passée|semaine dernière|la semaine précédente",
        "this_weekend": "ce week-end|ce weekend|le week-end", "last_weekend": "le week-end (?:dernier|passé)",
        "this_month": "ce mois-ci|ce mois ci|ce mois|le mois en cours",
        "last_month": "le mois dernier|le mois passé|mois dernier|le mois précédent",
        "this_year": "cette année|l'année en cours|depuis le début de l'année",
        "last_year": "l'année dernière|l'an dernier|l'année passée|l'an passé|l'année précédente",
        "recent": r"récemment|dernièrement|ces derniers temps|ces dernières semaines|récent\w*",
        "latest": r"(?:le|la|les) plus récent\w*|dernières nouvelles|derniers chiffres|maintenant|actuellement"
                  r"|actuel\w*|en ce moment|à présent|désormais|toujours",
        "upcoming": r"demain|la semaine prochaine|le mois prochain|l'année prochaine|l'an prochain|à venir"
                    r"|prochain\w*",
        "future": r"va|vont|sera|seront|aura|auront|fera|feront|devrait|devraient|\w+eront|\w+iront"
                  r"|prochain\w*|à venir",
        "last": ">dernier|dernière|passé|passée", "this": "<ce|cette|cet", "next": r"prochain\w*",
        "ctx": "en|le|depuis|début|fin|mi|jusqu'en|jusqu'au|avant|après|dès|au|du|d'ici|chaque",
        "ago": "il y a (?:{n} )?{u}", "past": r"(?:au cours )?des {n} derni\w+ {u}|ces {n} derni\w+ {u}",
        "day": "jours?", "week": "semaines?", "month": "mois", "year": "ans|an|années?",
        "numbers": "un|une, deux, trois, quatre, cinq",
        "ambiguous": "mars",  # the planet
    },
    "es": {
        "today": "hoy|esta mañana|esta tarde|esta noche", "yesterday": "ayer|anoche",
        "this_week": "esta semana|en los últimos días|estos días|hace (?:unos|pocos) días",
        "last_week": "la semana pasada|semana pasada|la semana anterior",
        "this_weekend": "este fin de semana|el fin de semana",
        "last_weekend": "el fin de semana pasado|el pasado fin de semana",
        "this_month": "este mes|en lo que va del? mes", "last_month": "el mes pasado|mes pasado|el mes anterior",
        "this_year": "este año|en lo que va del? año", "last_year": "el año pasado|año pasado|el año anterior",
        "recent": r"recientemente|últimamente|hace poco|reciente\w*",
        "latest": r"más reciente\w*|últimas noticias|últimos datos|ahora|actualmente|actual\w*|hoy en día|a día de hoy"
                  r"|todavía|aún|sigue|siguen",
        "upcoming": "mañana|la próxima semana|la semana que viene|el próximo mes|el mes que viene|el próximo año"
                    "|el año que viene|próxim[oa]s?",
        "future": r"va a|van a|vamos a|\w+rá|\w+rán|próxim\w*",
        "last": "pasad[oa]|anterior", "this": "<est[ea]", "next": "próxim[oa]|que viene",
        "ctx": "en|el|desde|hasta|de|del|cada|principios de|finales de|mediados de",
        "ago": "hace (?:{n} )?{u}", "past": "(?:en )?(?:los|las) últim[oa]s {n} {u}",
        "day": "días?", "week": "semanas?", "month": "mes|meses", "year": "años?",
        "numbers": "un|una|uno, dos|un par de, tres, cuatro, cinco",
        "ambiguous": "domingo",  # a name
    },
    "it": {
        "today": r"oggi|stamattina|stasera|odiern\w*", "yesterday": "ieri",
        "this_week": "questa settimana|in settimana|negli ultimi giorni|(?:pochi|qualche) giorni? fa",
        "last_week": "la settimana scorsa|settimana scorsa|la scorsa settimana|la settimana passata",
        "this_weekend": "questo fine settimana|questo weekend|nel fine settimana|nel weekend",
        "last_weekend": "lo scorso fine settimana|lo scorso weekend|il (?:fine settimana|weekend) scorso",
        "this_month": "questo mese|nel mese corrente", "last_month": "il mese scorso|mese scorso|lo scorso mese",
        "this_year": "quest'anno|questo anno|nell'anno in corso",
        "last_year": "l'anno scorso|lo scorso anno|anno scorso|l'anno passato",
        "recent": "recentemente|di recente|ultimamente|recent[ei]",
        "latest": "più recent[ei]|ultime notizie|ultimi dati|ora|adesso|attualmente|attual[ei]|ancora|tuttora"
                  "|oggigiorno"
                  "|al momento",
        "upcoming": "domani|la prossima settimana|settimana prossima|il mese prossimo|il prossimo mese"
                    "|l'anno prossimo|il prossimo anno|prossim[oaie]",
        "future": r"\w+rà|\w+ranno|sarà|saranno|prossim\w*|sta per|stanno per",
        "last": "scors[oa]|passat[oa]|precedente", "this": "<quest[oa]", "next": "prossim[oa]",
        "ctx": "a|in|nel|nello|di|dal|da|fino a|entro|inizio|fine|metà|ogni|il|lo",
        "ago": "(?:{n} )?{u} fa", "past": "(?:negli|nelle) ultim[ie] {n} {u}",
        "day": "giorn[oi]", "week": "settiman[ae]", "month": "mes[ei]", "year": "ann[oi]",
        "numbers": "un|una|uno, due|un paio di, tre, quattro, cinque",
    },
    "pt": {
        "today": "hoje|esta manhã|esta noite", "yesterday": "ontem",
        "this_week": "(?:n?es[st]a) semana|nos últimos dias|há (?:poucos|alguns) dias",
        "last_week": "a semana passada|semana passada|semana anterior",
        "this_weekend": "(?:n?es[st]e|no) fim de semana", "last_weekend": "(?:no )?fim de semana passado",
        "this_month": "(?:n?es[st]e) mês", "last_month": "o mês passado|mês passado|mês anterior",
        "this_year": "(?:n?es[st]e) ano", "last_year": "o ano passado|ano passado|ano anterior",
        "recent": r"recentemente|ultimamente|há pouco|recente\w*",
        "latest": r"mais recente\w*|últimas notícias|últimos dados|agora|atualmente|atual\w*|ainda|hoje em dia"
                  r"|no momento",
        "upcoming": "amanhã|próxima semana|semana que vem|próximo mês|mês que vem|próximo ano|ano que vem"
                    "|próxim[oa]s?",
        "future": r"vai|vão|irá|irão|será|serão|\w+rá|\w+rão|próxim\w*",
        "last": "passad[oa]|últim[oa]|anterior", "this": "<n?es[st][ea]", "next": "próxim[oa]|que vem",
        "alone": True,
        "ctx": "em|no|na|de|desde|até|início de|fim de|meados de|cada|toda|todo|a partir de",
        "ago": "há (?:{n} )?{u}|(?:{n} )?{u} atrás", "past": "(?:nos|nas) últim[oa]s {n} {u}",
        "day": "dias?", "week": "semanas?", "month": "mês|meses", "year": "anos?",
        "numbers": "um|uma, dois|duas, três, quatro, cinco",
        "ambiguous": "domingo|segunda|terça|quarta|quinta|sexta",  # a name; ordinals
        "locales": "pt_PT",
    },
    "tr": {
        "modifiers": "before",
        "today": "bugün|bugünkü|bu sabah|bu akşam", "yesterday": "dün|dünkü",
        "this_week": "bu hafta|bu haftaki|bu haftanın|son günlerde|birkaç gün önce",
        "last_week": "geçen hafta|geçen haftaki|geçen haftanın|geçtiğimiz hafta|önceki hafta",
        "this_weekend": "bu hafta sonu|hafta sonu", "last_weekend": "geçen hafta sonu|geçtiğimiz hafta sonu",
        "this_month": "bu ay|bu ayki|bu ayın", "last_month": "geçen ay|geçen ayki|geçen ayın|geçtiğimiz ay",
        "this_year": "bu yıl|bu sene|bu yılki|bu yılın|bu senenin|bu seneki",
        "last_year": "geçen yıl|geçen sene|geçtiğimiz yıl|geçen yılki|geçen yılın|geçen senenin|bir önceki yıl",
        "recent": "son zamanlarda|geçenlerde|yakın zamanda|yakın geçmişte|son dönemde",
        "latest": "en son|en yeni|en güncel|şu anda|şu an|şimdi|şimdiki|halen|hâlâ|hala|günümüzde|mevcut"
                  "|güncel|artık",
        "upcoming": "yarın|(?:gelecek|önümüzdeki) (?:hafta|ay|yıl|sene)|haftaya|seneye",
        "future": r"\w+(?:ecek|acak)\w*|gelecek|önümüzdeki",
        "last": "geçen|geçtiğimiz|önceki", "this": "bu", "next": "gelecek|önümüzdeki",
        "ctx_after": r"ay\w*|gün\w*",
        "ago": "(?:{n} )?{u} önce", "past": "son {n} {u}",
        "day": r"gün\w*", "week": r"hafta\w*", "month": r"ay\w*", "year": r"yıl\w*|sene\w*",
        "numbers": "bir, iki, üç, dört, beş",
        "ambiguous": "ocak|nisan|ekim|kasım|aralık|mart|pazar",  # stove, engagement, sowing, a name, gap…
        "inflect": "|ta te da de tan ten dan den ın in un ün ı i u ü a e nda nde ında inde unda ünde ya ye na ne",
    },
    "zh": {
        "today": "今天|今日|今晨|今晚", "yesterday": "昨天|昨日|昨晚",
        "this_week": "本周|这周|本週|這週|这一周|這一週|这个星期|這個星期|本星期|近一周|近一週|过去一周|過去一週"
                     "|过去7天|过去七天|近日|日前|这几天|這幾天",
        "last_week": "上周|上週|上星期|上个星期|上個星期|上礼拜|上禮拜",
        "this_weekend": "本周末|这个周末|這個週末|本週末|这周末|這週末|周末|週末",
        "last_weekend": "上周末|上週末|上个周末|上個週末",
        "this_month": "本月|这个月|這個月", "last_month": "上个月|上個月|上月",
        "this_year": "今年|本年度", "last_year": "去年|上一年",
        "recent": "最近|近期|近来|近來|新近",
        "latest": "最新|目前|现在|現在|当前|當前|如今|现任|現任|仍然|依然",
        "upcoming": "明天|明日|下周|下週|下星期|下个星期|下個星期|下个月|下個月|明年|即将|即將",
        "future": "将|將|即将|即將|预计|預計|计划|計劃|准备|準備",
        "prev_week": "上|上个|上個", "this": "本|这|這|这个|這個", "next": "下|下个|下個", "modifiers": "before",
        "ago": "{n}{u}前", "past": "(?:过去|過去|最近|近)的?{n}{u}",
        "day": "天|日", "week": "周|週|个星期|個星期|星期", "month": "个月|個月", "year": "年",
        "numbers": "一, 两|兩|二, 三, 四, 五",
        "spaced": False, "locales": "zh_Hant",
    },
    "hi": {
        "modifiers": "before",
        "today": "आज", "yesterday_or_tomorrow": "कल",
        "this_week": "इस हफ़्ते|इस सप्ताह|पिछले कुछ दिनों में|हाल के दिनों में|कुछ दिन पहले",
        "last_week": "पिछले हफ़्ते|पिछले सप्ताह|गत सप्ताह|बीते सप्ताह|बीते हफ़्ते",
        "this_weekend": "इस सप्ताहांत|इस वीकेंड", "last_weekend": "पिछले सप्ताहांत|पिछले वीकेंड",
        "this_month": "इस महीने|इस माह", "last_month": "पिछले महीने|पिछले माह|गत माह|बीते महीने",
        "this_year": "इस साल|इस वर्ष|इस बरस", "last_year": "पिछले साल|पिछले वर्ष|गत वर्ष|बीते साल|बीते वर्ष",
        "recent": "हाल ही में|हाल में|हालिया|हाल के",
        "latest": "नवीनतम|ताज़ा|ताज़ातरीन|सबसे नया|सबसे नई|सबसे हालिया|अभी|अभी भी|अब|वर्तमान|मौजूदा|फ़िलहाल"
                  "|आजकल|अब तक|इस समय",
        "upcoming": "अगले (?:हफ़्ते|सप्ताह|महीने|माह|साल|वर्ष)|आगामी|आने वाले",
        "future": r"[\u0900-\u097f]*(?:ेगा|ेगी|ेंगे|ेगे|ूंगा|ूँगा|ोगे|एगा|एगी|एंगे|एँगे)|होगा|होगी|होंगे|अगले|आगामी",
        "last": "पिछले|पिछली|पिछला|गत|बीते|बीती", "this": "इस", "next": "अगले|अगली|अगला|आगामी",
        "ctx_after": "में|से|तक|को",
        "ago": "(?:{n} )?{u} (?:पहले|पूर्व)", "past": "पिछले {n} {u}",
        "day": "दिन|दिनों", "week": "हफ़्ते|हफ़्तों|सप्ताह|सप्ताहों", "month": "महीने|महीना|महीनों|माह",
        "year": "साल|सालों|वर्ष|वर्षों|बरस",
        "numbers": "एक, दो, तीन, चार, पांच|पाँच",
    },
    "vi": {
        "today": "hôm nay|sáng nay|chiều nay|tối nay", "yesterday": "hôm qua|tối qua|đêm qua",
        "this_week": "tuần này|trong tuần|tuần qua|tuần vừa qua|(?:mấy|vài) ngày (?:qua|trước)|những ngày gần đây",
        "last_week": "tuần trước|tuần rồi",
        "this_weekend": "cuối tuần này|cuối tuần", "last_weekend": "cuối tuần (?:trước|qua|rồi)",
        "this_month": "tháng này", "last_month": "tháng trước|tháng rồi",
        "this_year": "năm nay", "last_year": "năm ngoái|năm trước|năm rồi",
        "recent": "gần đây|mới đây|dạo này|thời gian qua|vừa qua",
        "latest": "mới nhất|gần nhất|hiện nay|hiện tại|bây giờ|hiện giờ|lúc này|vẫn còn|vẫn|đương nhiệm",
        "upcoming": "ngày mai|(?:tuần|tháng|năm) (?:tới|sau)|sắp tới",
        "future": "sẽ|sắp|dự kiến",
        "last": "trước|vừa qua", "this": "này", "next": "tới|sau", "prev_week": "tuần trước|tuần rồi",
        "modifiers": "after",
        "ctx": "vào|hôm|sáng|chiều|tối|đêm|trưa|từ|đến|cho đến",
        "ago": "(?:{n} )?{u} trước", "past": "(?:trong )?{n} {u} qua",
        "day": "ngày", "week": "tuần", "month": "tháng", "year": "năm",
        "numbers": "một, hai, ba, bốn, năm",
        "ambiguous": "thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu|thứ bảy|thứ 2|thứ 3|thứ 4|thứ 5|thứ 6|thứ 7",  # ordinals
    },
    "el": {
        "modifiers": "before",
        "today": "σήμερα|απόψε", "yesterday": r"χθες|χτες|εχθές|χθεσιν\w*",
        "this_week": "αυτή την εβδομάδα|αυτήν την εβδομάδα|αυτή τη βδομάδα|την τρέχουσα εβδομάδα"
                     "|τις τελευταίες (?:ημέρες|μέρες)|πριν (?:από )?λίγες (?:ημέρες|μέρες)",
        "last_week": "την (?:προηγούμενη|περασμένη) (?:εβδομάδα|βδομάδα)|την εβδομάδα που πέρασε",
        "this_weekend": "αυτό το σαββατοκύριακο|το σαββατοκύριακο",
        "last_weekend": "το (?:περασμένο|προηγούμενο) σαββατοκύριακο",
        "this_month": "αυτόν τον μήνα|αυτό τον μήνα|αυτόν το μήνα|αυτό το μήνα|τον τρέχοντα μήνα",
        "last_month": "τον (?:προηγούμενο|περασμένο) μήνα",
        "this_year": r"φέτος|εφέτος|φετιν\w*|αυτή τη χρονιά|το τρέχον έτος",
        "last_year": r"πέρσι|πέρυσι|περσιν\w*|την περασμένη χρονιά|το προηγούμενο έτος",
        "recent": r"πρόσφατα|τον τελευταίο καιρό|πρόσφατ\w*",
        "latest": r"πιο πρόσφατ\w*|νεότερ\w*|τελευταία νέα|τελευταία στοιχεία|τώρα|επί του παρόντος"
                  r"|αυτή τη στιγμή|ακόμα|ακόμη|τρέχ\w*|σημεριν\w*"
                  r"|πλέον|εν ενεργεία",
        "upcoming": r"αύριο|την (?:επόμενη|ερχόμενη) εβδομάδα|τον (?:επόμενο|ερχόμενο) μήνα|του χρόνου"
                    r"|επόμεν\w*|ερχόμεν\w*|προσεχ\w*|επικείμεν\w*",
        "future": r"θα|πρόκειται να|επόμεν\w*|ερχόμεν\w*",
        "last": r"(?:την |τον |το )?(?:περασμέν\w*|προηγούμεν\w*)", "this": r"(?:αυτήν?|αυτόν?) (?:την|τη|τον|το)",
        "next": r"(?:την |τον |το )?(?:επόμεν\w*|ερχόμεν\w*|προσεχ\w*)",
        "ago": "πριν (?:από )?(?:{n} )?{u}", "past": r"(?:τις|τους|τα) τελευταί\w+ {n} {u}",
        "day": "ημέρες|μέρες|ημέρα|μέρα", "week": "εβδομάδες|εβδομάδα|βδομάδες|βδομάδα",
        "month": "μήνες|μήνα", "year": "χρόνια|χρόνο|έτη|έτος",
        "numbers": "ένα|μία|μια|έναν, δύο|δυο, τρία|τρεις, τέσσερα|τέσσερις, πέντε",
        "ambiguous": "δευτέρα|τρίτη|τετάρτη|πέμπτη",  # second/third/fourth/fifth
        "capital": True,
        "inflect": "ος ου ο α η ης ι|ος ου ο α ας η ης ες",
    },
    "ro": {
        "modifiers": "after",
        "today": "astăzi|azi", "yesterday": "ieri|aseară",
        "this_week": "săptămâna aceasta|săptămâna asta|această săptămână|în ultimele zile|acum câteva zile"
                     "|zilele trecute",
        "last_week": "săptămâna trecută|săptămâna anterioară",
        "this_weekend": "acest weekend|weekendul acesta|în weekend", "last_weekend": "weekendul trecut",
        "this_month": "luna aceasta|luna asta|această lună|luna curentă", "last_month": "luna trecută|luna anterioară",
        "this_year": "anul acesta|anul ăsta|acest an|anul curent", "last_year": "anul trecut|anul anterior",
        "recent": "recent|recente|de curând|în ultima vreme|în ultimul timp",
        "latest": r"cel mai recent|cea mai recentă|cele mai recente|ultimele (?:știri|date)|acum|în prezent"
                  r"|actual\w*|încă"
                  r"|momentan|în continuare",
        "upcoming": "mâine|(?:săptămâna|luna) (?:viitoare|următoare)|anul (?:viitor|următor)",
        "future": "va|vor|voi|vom|veți|o să|urmează să|viitoare|viitor",
        "last": r"trecut\w*|anterioar\w*", "this": r"acest\w*|aceast\w*|asta",
        "next": r"viitoare|viitor|următoare|următor",
        "ctx": "luna|ziua|ziua de",
        "ago": "acum (?:{n} )?{u}|în urmă cu (?:{n} )?{u}", "past": "(?:în )?ultim(?:ii|ele) {n} {u}",
        "day": "zi|zile", "week": "săptămână|săptămâni", "month": "lună|luni", "year": "an|ani",
        "numbers": "o|un|una, două|doi, trei, patru, cinci",
        "ambiguous": "mai|luni",  # "more"; "months"
        "inflect": "i ă|ea a ia",
    },
    "th": {
        "today": "วันนี้|เช้านี้|คืนนี้", "yesterday": "เมื่อวานนี้|เมื่อวาน",
        "this_week": "สัปดาห์นี้|อาทิตย์นี้|สัปดาห์ที่ผ่านมา|ไม่กี่วันที่ผ่านมา|เมื่อไม่กี่วันก่อน",
        "last_week": "สัปดาห์ที่แล้ว|สัปดาห์ก่อน|อาทิตย์ที่แล้ว|อาทิตย์ก่อน",
        "this_weekend": "สุดสัปดาห์นี้|เสาร์อาทิตย์นี้|ช่วงสุดสัปดาห์",
        "last_weekend": "สุดสัปดาห์ที่แล้ว|สุดสัปดาห์ที่ผ่านมา|เสาร์อาทิตย์ที่แล้ว",
        "this_month": "เดือนนี้", "last_month": "เดือนที่แล้ว|เดือนก่อน|เดือนที่ผ่านมา",
        "this_year": "ปีนี้", "last_year": "ปีที่แล้ว|ปีก่อน|ปีที่ผ่านมา|ปีกลาย",
        "recent": "เมื่อเร็ว ?ๆ ?นี้|ช่วงนี้|ระยะหลัง|หมู่นี้",
        "latest": "ล่าสุด|ตอนนี้|ปัจจุบัน|ขณะนี้|ยังคง",
        "upcoming": "พรุ่งนี้|สัปดาห์หน้า|อาทิตย์หน้า|เดือนหน้า|ปีหน้า|ที่จะถึงนี้",
        "future": "จะ|ที่จะถึง",
        "last": "ที่แล้ว|ที่ผ่านมา", "this": "นี้", "next": "หน้า|ที่จะถึง(?:นี้)?", "modifiers": "after",
        "ago": "{n} ?{u}(?:ที่แล้ว|ก่อน)", "past": "(?:ใน|ตลอด|ช่วง) ?{n} ?{u}ที่ผ่านมา",
        "day": "วัน", "week": "สัปดาห์|อาทิตย์", "month": "เดือน", "year": "ปี",
        "numbers": "หนึ่ง, สอง, สาม, สี่, ห้า",
        "spaced": False,
    },
}
