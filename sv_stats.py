"""Swedish translations of the msgids the complaints statistics added (panels, inbox
filters). Not yet in servicedialog/locale: merge them into the sv catalogue."""

SV = {
    # Panels: titles
    "Feedback received per month": "Mottagna per månad",
    "Feedback per 1,000 inhabitants": "Synpunkter per 1 000 invånare",
    "Feedback per channel": "Synpunkter per kanal",
    "Share received digitally": "Andel mottagna digitalt",
    "Acknowledged and answered on time": "Bekräftade och besvarade i tid",
    "Outcome of complaints": "Utfall av klagomål",
    "Handling time in working days": "Handläggningstid i arbetsdagar",
    "Reviews asked for": "Begärda omprövningar",
    "Satisfaction with the handling": "Nöjdhet med handläggningen",
    "Root causes of complaints": "Grundorsaker till klagomål",
    "Latest improvements": "Senaste förbättringarna",
    "Feedback received and answered": "Mottagna och besvarade synpunkter",
    "Overdue feedback": "Försenade synpunkter",
    "Feedback due soon": "Synpunkter som snart ska besvaras",
    "Open longer than six months": "Öppna längre än sex månader",
    # Panels: descriptions
    "Feedback received in each month, by kind.": "Synpunkter som kom in varje månad, per typ.",
    "Feedback received in each month per 1,000 inhabitants.": (
        "Synpunkter som kom in varje månad per 1 000 invånare."
    ),
    "Feedback received in each month, by the channel it came through.": (
        "Synpunkter som kom in varje månad, per kanal."
    ),
    "The share of each month's feedback that came through the web form or the app "
    "(Open311). E-mail is not counted as digital.": (
        "Andelen av månadens synpunkter som kom via webbformuläret eller appen (Open311). "
        "E-post räknas inte som digitalt."
    ),
    "Of the feedback received in each month and acknowledged (answered) so far, the "
    "share acknowledged (answered) by its deadline.": (
        "Av de synpunkter som kom in varje månad och hittills har bekräftats (besvarats): "
        "andelen som bekräftades (besvarades) i tid."
    ),
    "Complaints received in the period and closed, by outcome.": (
        "Klagomål som kom in under perioden och är avslutade, per utfall."
    ),
    "The median and the 90th percentile of the working days from received to "
    "answered, for the feedback received in each month and answered so far.": (
        "Median och 90:e percentil av antalet arbetsdagar från mottagande till svar, för "
        "de synpunkter som kom in varje månad och hittills har besvarats."
    ),
    "How many people asked for a review of the answer, of the feedback received in each month.": (
        "Hur många som begärde omprövning av svaret, av de synpunkter som kom in varje månad."
    ),
    "The average answer (1 to 5) of those who said what they thought.": (
        "Genomsnittligt svar (1 till 5) från dem som sa vad de tyckte."
    ),
    "Complaints received in the period and closed, by root cause, and how many "
    "named an improvement.": (
        "Klagomål som kom in under perioden och är avslutade, per grundorsak, och hur "
        "många som ledde till en förbättring."
    ),
    "Improvements named when closing feedback (not secret records).": (
        "Förbättringar som angavs när synpunkter avslutades (inte sekretessbelagda ärenden)."
    ),
    "Feedback received in each month, how many of it have been answered and how "
    "many were answered on time.": (
        "Synpunkter som kom in varje månad, hur många av dem som har besvarats och hur "
        "många som besvarades i tid."
    ),
    "Open feedback not answered by its deadline, now.": (
        "Öppna synpunkter som inte har besvarats i tid, just nu."
    ),
    "Open feedback to be answered within three days, now.": (
        "Öppna synpunkter som ska besvaras inom tre dagar, just nu."
    ),
    "Open feedback received more than six months ago: the person may ask for a "
    "decision (section 12 of the Administrative Procedure Act).": (
        "Öppna synpunkter som kom in för mer än sex månader sedan: personen kan begära "
        "att ärendet avgörs (12 § förvaltningslagen)."
    ),
    # Panels: columns
    "Month": "Månad",
    "Number received": "Antal mottagna",
    "Number answered": "Antal besvarade",
    "Number closed": "Antal avslutade",
    "Per 1,000 inhabitants": "Per 1 000 invånare",
    "Digitally": "Digitalt",
    "Share digitally (%)": "Andel digitalt (%)",
    "Acknowledged": "Bekräftade",
    "Acknowledged on time (%)": "Bekräftade i tid (%)",
    "Answered on time (%)": "Besvarade i tid (%)",
    "Answered on time": "Besvarade i tid",
    "Closed complaints": "Avslutade klagomål",
    "Median (working days)": "Median (arbetsdagar)",
    "90th percentile (working days)": "90:e percentil (arbetsdagar)",
    "Share reviewed (%)": "Andel omprövade (%)",
    "Average satisfaction": "Genomsnittlig nöjdhet",
    "Answers": "Svar",
    "Root cause": "Grundorsak",
    "Improvement named": "Förbättring angiven",
    "Improvement": "Förbättring",
    "Due within 3 days": "Ska besvaras inom 3 dagar",
    "No root cause given": "Ingen grundorsak angiven",
    # The inbox's drill-down filters
    "All channels": "Alla kanaler",
    "Any outcome": "Alla utfall",
    "Any root cause": "Alla grundorsaker",
    "Open for": "Öppen sedan",
    "Any time": "Hur länge som helst",
    "Longer than six months": "Längre än sex månader",
    "Filtered by": "Filtrerad på",
}
