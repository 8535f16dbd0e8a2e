"""The words of time of the European languages (en ru uk de fr es it pt el ro): data only, one table per language.

The keys and how each value is read are documented in bot.answer.time_words, which joins these tables with
bot.answer.time_words_asia into WORDS.
"""

from __future__ import annotations

EUROPE: dict[str, dict[str, object]] = {
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
}
