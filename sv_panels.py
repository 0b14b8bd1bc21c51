"""Swedish translations of the msgids the dashboard panels (branch ``panels``) added, to be
merged into servicedialog/locale/sv/LC_MESSAGES/messages.po (the English catalogue takes
each msgid as it is). Plurals: a tuple of the two Swedish forms, keyed by the singular."""

SV = {
    # commitments/panels.py
    "Commitments that met their target": "Åtaganden som nådde sitt mål",
    "The share of the published commitments that met their target in their latest "
    "complete period. Commitments with too few cases in the period are neither met nor "
    "missed: they are counted apart and left out of the share.": (
        "Andelen av de publicerade åtagandena som nådde sitt mål under sin senaste hela "
        "period. Åtaganden med för få ärenden under perioden har varken nått eller missat "
        "målet: de räknas för sig och ingår inte i andelen."
    ),
    "How each commitment is kept": "Hur vi håller varje åtagande",
    "The share of cases where the promise was kept, per period, with its 95 % confidence "
    "interval and the target. A marked period differs significantly from the period "
    "before (a two-proportion test at the 95 % level). No share is shown for a period "
    "with too few cases.": (
        "Andelen ärenden där löftet hölls, per period, med konfidensintervall (95 %) och "
        "mål. En markerad period skiljer sig signifikant från perioden före (ett test av "
        "två andelar på 95 %-nivån). För en period med för få ärenden visas ingen andel."
    ),
    "The share of all measured cases, over every commitment, where the promise was kept "
    "in each period.": (
        "Andelen av alla mätta ärenden, för alla åtaganden tillsammans, där löftet hölls "
        "under varje period."
    ),
    "Our service commitments and how we keep them": "Våra serviceåtaganden och hur vi håller dem",
    "Each published commitment and the share of cases where the promise was kept in its "
    "latest complete period. Figures resting on too few cases are not shown.": (
        "Varje publicerat åtagande och andelen ärenden där löftet hölls under den senaste "
        "hela perioden. Siffror som bygger på för få ärenden visas inte."
    ),
    "Commitments at risk this period": "Åtaganden i riskzonen den här perioden",
    "Published commitments whose share kept so far in the current period is below the "
    "target, or whose trend is: a straight line through the shares of the last six "
    "periods, continued to the current one.": (
        "Publicerade åtaganden där andelen hållna hittills under den pågående perioden är "
        "under målet, eller där trenden är det: en rät linje genom andelarna för de sex "
        "senaste perioderna, förlängd till den pågående."
    ),
    "Cases per channel": "Ärenden per kanal",
    "Cases received per month, by the channel they came in through.": (
        "Ärenden som kom in per månad, efter den kanal de kom in genom."
    ),
    "Digital share": "Digital andel",
    "The share of cases received through the e-service (the web), of the cases whose "
    "channel was recorded.": (
        "Andelen ärenden som kom in via e-tjänsten (webben), av de ärenden där kanalen är "
        "registrerad."
    ),
    "The e-service ladder": "E-tjänstetrappan",
    "Each service's step on the e-service ladder (information, interaction, transaction, "
    "integration) and its cases in the twelve months up to the end of the period.": (
        "Varje tjänsts steg på e-tjänstetrappan (information, interaktion, transaktion, "
        "integration) och dess ärenden under de tolv månaderna fram till periodens slut."
    ),
    "Share that met the target": "Andel som nådde målet",
    "The period before": "Perioden före",
    "Met the target": "Nådde målet",
    "Measured": "Mätta",
    "Lower limit": "Nedre gräns",
    "Upper limit": "Övre gräns",
    "Significant change": "Signifikant förändring",
    "Share kept so far": "Andel hållna hittills",
    "Trend": "Trend",
    "Cases so far": "Ärenden hittills",
    "Month": "Månad",
    "Channel not recorded": "Kanal ej registrerad",
    "Cases with a channel recorded": "Ärenden med registrerad kanal",
    "Cases in the last 12 months": "Ärenden de senaste 12 månaderna",
    # problem_areas/panels.py
    "What people write about over time": "Vad människor skriver om över tid",
    "Texts per month in the six problem areas with the most texts in the period, and all "
    "other areas together. Texts of secret records are counted but never shown.": (
        "Texter per månad inom de sex problemområden som har flest texter under perioden, "
        "och alla övriga områden tillsammans. Texter från sekretessbelagda handlingar "
        "räknas men visas aldrig."
    ),
    "This quarter against the last": "Det här kvartalet jämfört med förra",
    "The ten problem areas with the most texts in the quarter that holds the end of the "
    "period (so far), against the whole quarter before it.": (
        "De tio problemområden som har flest texter under kvartalet där perioden slutar "
        "(hittills), jämfört med hela kvartalet före."
    ),
    "Problem areas with unusually many texts in the last seven days, against each area's "
    "own history.": (
        "Problemområden med ovanligt många texter de senaste sju dagarna, jämfört med "
        "områdets egen historik."
    ),
    "How many of the texts people wrote in the period were about each problem area. Only "
    "counts are shown; an area with very few texts is not shown.": (
        "Hur många av de texter människor skrev under perioden som handlade om varje "
        "problemområde. Bara antal visas; ett område med mycket få texter visas inte."
    ),
    "This quarter": "Det här kvartalet",
    "Last quarter": "Förra kvartalet",
    "Change": "Förändring",
    "Change in %": "Förändring i %",
    # templates/problem_areas/texts.html
    "Filter the texts": "Filtrera texterna",
    "Texts about %(area)s": "Texter om %(area)s",
    "%(num)s text from %(start)s to %(end)s.": (
        "%(num)s text från %(start)s till %(end)s.",
        "%(num)s texter från %(start)s till %(end)s.",
    ),
    "Texts of secret or anonymised records are counted but not shown: %(count)s of them.": (
        "Texter från sekretessbelagda eller avidentifierade handlingar räknas men visas "
        "inte: %(count)s stycken."
    ),
    "The newest %(count)s are listed.": "De %(count)s senaste visas.",
}
