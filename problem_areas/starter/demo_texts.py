# ruff: noqa: E501
"""Hand-written sentence pools for the demo database's citizen feedback.

The demo needs thousands of feedback records that read like people wrote them, labelled with the
problem area they are mainly about. They are put together here from pools of sentences written by
hand for this purpose: per area and language a few opening lines, at least fifteen core sentences
and some details, plus shared openings and closings. None of the pools is taken from texts.csv (the
starter classifier's training data), so the demo does not show the training data verbatim.

A text is one core sentence, sometimes with an opening, a detail and a closing (one to four
sentences), sometimes a core sentence from a second area appended (the returned area stays the main
one), and sometimes typos: å/ä/ö written as a/a/o, a doubled or swapped letter, all lowercase, no
full stops. Everything random comes from the rng passed in, so a given seed gives the same texts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

AREAS: dict[str, tuple[str, str, str, str]] = {
    "handlaggningstid": (
        "Handläggningstid",
        "Processing times",
        "Hur lång tid det tar att få beslut på en ansökan, till exempel om bygglov, bistånd eller tillstånd.",
        "How long it takes to get a decision on an application, such as a building permit, financial support or a licence.",
    ),
    "arendestatus": (
        "Besked om ditt ärende",
        "Case status and updates",
        "Att få veta var ditt ärende befinner sig, vem som handlägger det och att det har kommit fram.",
        "Knowing where your case stands, who is handling it and that it has been received.",
    ),
    "tillganglighet_kontakt": (
        "Att nå oss",
        "Reaching us",
        "Telefon, e-post, chatt och öppettider: hur lätt det är att komma i kontakt med kommunen.",
        "Phone, e-mail, chat and opening hours: how easy it is to get in touch with the municipality.",
    ),
    "bemotande": (
        "Bemötande",
        "How you were treated",
        "Hur du blev bemött av vår personal, både när något gick fel och när något var bra.",
        "How our staff treated you, both when something went wrong and when something went well.",
    ),
    "information_blanketter": (
        "Information och blanketter",
        "Information and forms",
        "Om informationen på webbplatsen, i brev och i blanketter är lätt att hitta, förstå och stämmer.",
        "Whether the information on the website, in letters and on forms is easy to find, understand and correct.",
    ),
    "beslut_avgifter": (
        "Beslut och avgifter",
        "Decisions and fees",
        "Synpunkter på ett beslut, hur det motiverades, avgifter och fakturor.",
        "Concerns about a decision and its reasons, about fees and about invoices.",
    ),
    "e_tjanster": (
        "E-tjänster och inloggning",
        "E-services and sign-in",
        "Våra e-tjänster, appar och digitala blanketter, inloggning med BankID och uppladdning av filer.",
        "Our e-services, apps and online forms, signing in with BankID and uploading files.",
    ),
    "fysisk_tillganglighet": (
        "Lokaler och fysisk tillgänglighet",
        "Premises and physical accessibility",
        "Om våra lokaler går att ta sig till och använda, till exempel med rullstol, rullator eller nedsatt syn eller hörsel.",
        "Whether our premises can be reached and used, for example with a wheelchair or walker or with impaired sight or hearing.",
    ),
    "gata_park": (
        "Gator, parker och snöröjning",
        "Streets, parks and snow clearing",
        "Gator, gång- och cykelvägar, belysning, lekplatser, parker, snöröjning och halkbekämpning.",
        "Streets, footpaths and cycle paths, street lighting, playgrounds, parks, snow clearing and gritting.",
    ),
    "avfall": (
        "Avfall och återvinning",
        "Waste and recycling",
        "Sophämtning, hämtschema, kärl, återvinningsstationer och återvinningscentraler.",
        "Waste collection, collection schedules, bins, recycling points and recycling centres.",
    ),
    "skola_forskola": (
        "Skola och förskola",
        "School and preschool",
        "Förskoleplatser, skolans arbete och trygghet, fritids och skolskjuts.",
        "Preschool places, how schools work and keep children safe, after-school care and school transport.",
    ),
    "omsorg": (
        "Äldreomsorg och stöd",
        "Elderly care and support",
        "Hemtjänst, äldreboenden, trygghetslarm och stöd enligt LSS, så som det fungerar i vardagen.",
        "Home care, care homes, safety alarms and disability support (LSS) as they work day to day.",
    ),
}


@dataclass(frozen=True)
class _Pool:
    openings: tuple[str, ...]
    cores: tuple[str, ...]
    details: tuple[str, ...]


# How often each area turns up in the demo, roughly as feedback arrives in a municipality.
_WEIGHTS: dict[str, int] = {
    "handlaggningstid": 12,
    "arendestatus": 10,
    "tillganglighet_kontakt": 11,
    "bemotande": 9,
    "information_blanketter": 8,
    "beslut_avgifter": 9,
    "e_tjanster": 8,
    "fysisk_tillganglighet": 5,
    "gata_park": 12,
    "avfall": 9,
    "skola_forskola": 5,
    "omsorg": 5,
}

_FILL: dict[str, tuple[str, ...]] = {
    "street": (
        "Storgatan",
        "Björkvägen",
        "Kvarngatan",
        "Tallstigen",
        "Östra Ringvägen",
        "Hantverkargatan",
        "Lindallén",
        "Sjögatan",
        "Prästgårdsvägen",
        "Smedjegatan",
        "Vallmovägen",
        "Bruksgatan",
    ),
    "park": (
        "Rosenparken",
        "Stadsparken",
        "Kvarnparken",
        "Sjöparken",
        "Folkets park",
        "Lekparken vid Ån",
    ),
    "school": ("Kvarnskolan", "Backaskolan", "Lövängsskolan", "Centralskolan", "Sandvikens skola"),
    "preschool": ("Myran", "Blåklockan", "Trollet", "Humlan", "Lönnen"),
    "home": ("Solhaga", "Bäckgården", "Vintergatan", "Ekliden"),
    "weeks": ("tre", "fyra", "sex", "sju", "nio", "tio", "tolv", "femton"),
    "weeks_en": ("three", "four", "six", "seven", "nine", "ten", "twelve", "fifteen"),
    "month": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "augusti",
        "september",
        "oktober",
        "november",
    ),
    "month_en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "August",
        "September",
        "October",
        "November",
    ),
    "case": (
        "2024-0412",
        "2024-1093",
        "2023-2871",
        "2024-3305",
        "BN 2024-0768",
        "SN 2024-1152",
        "2025-0031",
    ),
    "minutes": ("25", "35", "40", "45", "55", "70"),
    "grade": ("1", "2", "3", "4", "5", "7", "8", "9"),
}

_OPENINGS: dict[str, tuple[str, ...]] = {
    "sv": (
        "Hej!",
        "Hej,",
        "Hej kommunen.",
        "Hejsan.",
        "Till den det berör.",
        "Jag skriver för att klaga.",
        "Vill lämna en synpunkt.",
        "Det här är andra gången jag skriver.",
        "Jag skriver för min mammas räkning.",
        "Jag skriver å min pappas vägnar.",
        "Ursäkta min dåliga svenska.",
        "Jag har bott här i trettio år och aldrig skrivit förut.",
        "Som företagare i kommunen vill jag påpeka följande.",
        "God dag.",
        "Tyvärr måste jag höra av mig igen.",
    ),
    "en": (
        "Hi,",
        "Hello.",
        "Dear municipality,",
        "To whom it may concern,",
        "I'm writing to complain.",
        "Some feedback:",
        "This is the second time I'm writing about this.",
        "I'm writing on behalf of my mother.",
        "Sorry, my Swedish isn't good enough yet so I write in English.",
        "As a small business owner here I want to point something out.",
        "Hey.",
        "Good afternoon,",
    ),
}

_CLOSINGS: dict[str, tuple[str, ...]] = {
    "sv": (
        "Tack på förhand.",
        "Mvh",
        "Med vänlig hälsning",
        "Hoppas ni tar detta på allvar.",
        "Tacksam för svar.",
        "Hör gärna av er.",
        "Orkar inte mer.",
        "Det här måste bli bättre.",
        "Ha en fin dag.",
        "Jag förväntar mig ett svar.",
        "Vänliga hälsningar från en trött invånare.",
        "Tack för att ni lyssnar.",
    ),
    "en": (
        "Thanks in advance.",
        "Kind regards",
        "Best wishes",
        "Please take this seriously.",
        "I'd appreciate a reply.",
        "This has to get better.",
        "Thank you for listening.",
        "I look forward to hearing from you.",
        "Cheers",
        "Really frustrated.",
    ),
}

_POOLS: dict[str, dict[str, _Pool]] = {
    "handlaggningstid": {
        "sv": _Pool(
            openings=(
                "Jag undrar hur lång tid ett beslut egentligen ska ta.",
                "Nu har jag väntat länge nog.",
                "Det här gäller min ansökan från i {month}.",
            ),
            cores=(
                "Min ansökan om bygglov för en tillbyggnad skickades in i {month} och jag har fortfarande inget beslut.",
                "Det har gått {weeks} veckor sedan jag sökte ekonomiskt bistånd och pengarna till hyran tar slut.",
                "Beslutet om färdtjänst dröjer och jag får betala taxi själv under tiden.",
                "Varför ska ett enkelt marklov ta flera månader?",
                "Vi har sökt serveringstillstånd inför sommaren men inget besked har kommit.",
                "Ansökan om bostadsanpassning har legat hos er i {weeks} veckor och badrummet går fortfarande inte att använda.",
                "Parkeringstillståndet gick ut innan det nya var klart, trots att jag sökte i god tid.",
                "Det tar orimligt lång tid att få svar på en ansökan om förskoleplats.",
                "Vår ansökan om tillstånd för enskilt avlopp har stått still sedan i {month}.",
                "Hemtjänsten för min pappa är ännu inte beviljad fast han kom hem från sjukhuset för länge sedan.",
                "Handläggningstiden på er webbplats säger åtta veckor men vi är långt över det.",
                "Vi har haft personal anställd i väntan på ert tillstånd och förlorar pengar varje vecka.",
                "Det gick förvånansvärt snabbt att få beslut om mitt bygglov, tack för det!",
                "Jag fick mitt parkeringstillstånd på under två veckor, mycket bra jobbat.",
                "Utredningen om LSS-insatser för vår son verkar aldrig bli färdig.",
                "Rivningslovet för det gamla garaget har tagit längre tid än själva rivningen kommer att ta.",
                "Jag har kompletterat allt ni begärt och ändå händer ingenting med beslutet.",
            ),
            details=(
                "Ärendet har nummer {case}.",
                "Hantverkaren kan inte vänta hur länge som helst.",
                "Jag har två barn att försörja.",
                "Byggsäsongen är snart slut.",
                "Min mamma är 87 år och kan inte vänta.",
                "Grannkommunen klarar samma sak på några veckor.",
            ),
        ),
        "en": _Pool(
            openings=(
                "I'm wondering how long a decision is supposed to take.",
                "I've waited long enough now.",
                "This is about my application from {month_en}.",
            ),
            cores=(
                "I applied for a building permit for an extension in {month_en} and still have no decision.",
                "It has been {weeks_en} weeks since I applied for financial assistance and I can't pay my rent.",
                "The decision on my transport service application is taking forever.",
                "Why does a simple permit for a garden shed take several months?",
                "We applied for an alcohol licence for the summer season and have heard nothing.",
                "My housing adaptation application has been with you for {weeks_en} weeks.",
                "My disabled parking permit expired before the new one was approved.",
                "It takes far too long to get an answer about a preschool place.",
                "Our sewage permit application hasn't moved since {month_en}.",
                "My father still hasn't been granted home care, weeks after leaving hospital.",
                "Your website says eight weeks processing time but we are way past that.",
                "We have staff on payroll waiting for your licence and lose money every week.",
                "I got my building permit decision surprisingly fast, thank you!",
                "The parking permit was ready in under two weeks, great job.",
                "The assessment for our son's disability support never seems to finish.",
                "I've sent everything you asked for and the decision still doesn't come.",
            ),
            details=(
                "The case number is {case}.",
                "The builder won't wait forever.",
                "I have two children to support.",
                "The building season is almost over.",
                "My mother is 87 and can't wait.",
                "The neighbouring municipality does the same in a few weeks.",
            ),
        ),
    },
    "arendestatus": {
        "sv": _Pool(
            openings=(
                "Jag vill bara veta vad som händer.",
                "Det är helt tyst från er sida.",
                "Gäller ärende {case}.",
            ),
            cores=(
                "Jag har inte ens fått en bekräftelse på att min ansökan kommit in.",
                "Ingen kan säga vem som är min handläggare just nu.",
                "I e-tjänsten står det bara att ärendet pågår, och det har det stått i månader.",
                "Ni lovade att återkomma inom en vecka men jag har inte hört något.",
                "Min handläggare har slutat och ingen har berättat vem som tar över.",
                "Jag vet inte om kompletteringen jag skickade räckte eller om något fortfarande saknas.",
                "Jag anmälde problemet för {weeks} veckor sedan och har inte fått någon återkoppling alls.",
                "Det står att ärendet är avslutat men jag har aldrig fått något beslut.",
                "Vi anhöriga har fullmakt men får ändå ingen information om hur ärendet går.",
                "Har mitt överklagande skickats vidare till förvaltningsrätten eller ligger det kvar hos er?",
                "Jag har fått olika besked om mitt ärende beroende på vem jag pratar med.",
                "Det vore bra att få ett sms eller mejl när något händer i ärendet.",
                "Tack för att ni hela tiden har hållit mig informerad om hur ärendet går.",
                "Jag skickade in papper via post och vet inte om de har kommit fram.",
                "Ärendet flyttades till en annan avdelning utan att någon sa något till mig.",
                "Kan någon åtminstone säga ungefär när jag kan räkna med besked?",
            ),
            details=(
                "Jag har frågat tre gånger nu.",
                "Ärendenumret är {case}.",
                "Det känns som att skicka saker ut i ett svart hål.",
                "Min mamma frågar varje dag och jag kan inte svara henne.",
                "Jag vill inte behöva jaga er varje vecka.",
            ),
        ),
        "en": _Pool(
            openings=(
                "I just want to know what's happening.",
                "It's completely silent from your side.",
                "Regarding case {case}.",
            ),
            cores=(
                "I haven't even received a confirmation that my application arrived.",
                "Nobody can tell me who my case officer is right now.",
                "The e-service just says the case is in progress, and it has said that for months.",
                "You promised to get back to me within a week but I've heard nothing.",
                "My case officer left and nobody told me who took over.",
                "I don't know whether the extra documents I sent were enough.",
                "I reported the problem {weeks_en} weeks ago and never got any feedback.",
                "The system says my case is closed but I never received a decision.",
                "We have power of attorney for our mother but still get no information about her case.",
                "Has my appeal been sent on to the court or is it still with you?",
                "I get different answers about my case depending on who I talk to.",
                "It would help to get a text or e-mail when something happens in my case.",
                "Thank you for keeping me updated all the way through, it made a big difference.",
                "I posted my documents and have no idea if they arrived.",
                "My case was moved to another department without anyone telling me.",
                "Can someone at least tell me roughly when to expect an answer?",
            ),
            details=(
                "I've asked three times now.",
                "The case number is {case}.",
                "It feels like sending things into a black hole.",
                "My mother asks every day and I can't answer her.",
                "I don't want to chase you every week.",
            ),
        ),
    },
    "tillganglighet_kontakt": {
        "sv": _Pool(
            openings=(
                "Det är omöjligt att få tag på er.",
                "Jag har försökt hela veckan.",
                "Ni är svåra att nå.",
            ),
            cores=(
                "Jag har suttit i telefonkö i {minutes} minuter och sedan bröts samtalet.",
                "Ingen svarar på mina mejl, inte ens ett automatsvar.",
                "Telefontiden är bara en timme om dagen och då jobbar jag.",
                "Receptionen var stängd mitt på dagen utan någon lapp på dörren.",
                "Röstbrevlådan till min handläggare är full och ingen ringer tillbaka.",
                "Växeln kopplar runt mig mellan avdelningar och ingen kan svara på frågan.",
                "Ni lovade att ringa upp men ingen har ringt.",
                "Chatten på webbplatsen säger att ni är online men ingen svarar.",
                "Det finns inget sätt att nå er för oss som inte kan prata i telefon.",
                "Medborgarkontoret har stängt på fredagseftermiddagar när de flesta av oss har tid.",
                "Mejladressen som står på er webbplats studsar tillbaka.",
                "Knappvalet i telefonen är för krångligt för min gamla mamma.",
                "Det finns ingen i kontaktcenter som kan ta emot frågor på engelska.",
                "Fick svar på mitt mejl samma dag, det var verkligen bra.",
                "Tack till växeln som kopplade mig rätt direkt på morgonen.",
                "Det borde gå att boka en tid för att träffa någon på plats.",
            ),
            details=(
                "Jag ringde fem över åtta och kön var redan full.",
                "Mitt nummer är 070-174 06 {minutes}.",
                "Jag har provat fem gånger idag.",
                "Det gäller en brådskande fråga.",
                "Jag har tagit ledigt från jobbet för detta.",
            ),
        ),
        "en": _Pool(
            openings=(
                "It's impossible to get hold of you.",
                "I've been trying all week.",
                "You are very hard to reach.",
            ),
            cores=(
                "I waited {minutes} minutes in the phone queue and then the call dropped.",
                "Nobody answers my e-mails, not even an automatic reply.",
                "The phone line is only open one hour a day and I work then.",
                "Reception was closed in the middle of the day with no sign on the door.",
                "My case officer's voicemail is full and nobody calls back.",
                "The switchboard transfers me between departments and nobody can answer.",
                "You promised to call me back but nobody did.",
                "The chat says you are online but no one replies.",
                "There's no way to contact you for those of us who can't use the phone.",
                "The service office is closed on Friday afternoons when most people have time.",
                "The e-mail address on your website bounces.",
                "The phone menu is too complicated for my elderly mother.",
                "Nobody at the contact centre could take my question in English.",
                "I got a reply to my e-mail the same day, really good.",
                "Thanks to the switchboard for putting me straight through this morning.",
                "It should be possible to book an appointment to meet someone in person.",
            ),
            details=(
                "I called at five past eight and the queue was already full.",
                "My number is 070-174 06 {minutes}.",
                "I've tried five times today.",
                "It's an urgent matter.",
                "I took time off work for this.",
            ),
        ),
    },
    "bemotande": {
        "sv": _Pool(
            openings=(
                "Jag vill berätta om hur jag blev bemött.",
                "Det här har legat och gnagt i mig.",
                "Jag vill ge lite beröm.",
            ),
            cores=(
                "Handläggaren var otrevlig och lät irriterad på alla mina frågor.",
                "Jag kände mig inte lyssnad på under mötet, hon hade bestämt sig innan.",
                "Personen i telefonen avbröt mig hela tiden och lade sedan på.",
                "Två i receptionen viskade och skrattade om mig när jag väntade vid disken.",
                "Jag blev bemött som om jag ljög när jag sökte hjälp.",
                "De pratade med min assistent istället för med mig fast jag sitter bredvid.",
                "Han var nedlåtande och sa att jag inte förstod hur det fungerar.",
                "Min pappa blev tilltalad som ett barn av personalen.",
                "Det var ingen som bad om ursäkt när det blev fel.",
                "Läraren sa något till min son inför klassen som han fortfarande är ledsen över.",
                "Personalen på hemtjänsten i {home} är alltid vänliga och tar sig tid att prata.",
                "Killen i kassan var jättetrevlig och hjälpte mig med allt.",
                "Tack till handläggaren som var så tålmodig och förklarade allt flera gånger.",
                "Jag blev så väl bemött på medborgarkontoret, det gjorde min dag.",
                "Bemötandet från byggnadsinspektören var proffsigt och vänligt.",
                "Jag vill att personalen får utbildning i hur man pratar med människor.",
            ),
            details=(
                "Jag hade med mig min dotter och hon blev också ledsen.",
                "Det hände i {month}.",
                "Jag är inte ensam om att tycka så.",
                "Hennes namn vet jag inte men det var vid lunch.",
                "Sånt betyder mer än man tror.",
            ),
        ),
        "en": _Pool(
            openings=(
                "I want to tell you how I was treated.",
                "This has been bothering me.",
                "I want to give some praise.",
            ),
            cores=(
                "The case officer was rude and seemed annoyed by all my questions.",
                "I didn't feel listened to in the meeting, she had already made up her mind.",
                "The person on the phone kept interrupting and then hung up.",
                "The reception staff talked about me to each other while I was standing there.",
                "I was treated as if I was lying when I asked for help.",
                "They spoke to my assistant instead of to me even though I was right there.",
                "He was condescending and told me I didn't understand how it works.",
                "My father was spoken to like a child by the staff.",
                "Nobody apologised when things went wrong.",
                "The teacher said something to my son in front of the class that still upsets him.",
                "The home care staff at {home} are always kind and take time to chat.",
                "The man at the desk was really friendly and helped me with everything.",
                "Thanks to the case officer who was so patient and explained it all again.",
                "I was treated so well at the service office, it made my day.",
                "The building inspector was professional and friendly.",
                "Staff need training in how to speak to people.",
            ),
            details=(
                "My daughter was with me and she got upset too.",
                "It happened in {month_en}.",
                "I'm not the only one who feels this way.",
                "I don't know her name but it was around lunch.",
                "Things like that mean more than you think.",
            ),
        ),
    },
    "information_blanketter": {
        "sv": _Pool(
            openings=(
                "Jag förstår inte vad som gäller.",
                "Er webbplats är inte lätt att använda.",
                "En fråga om blanketten.",
            ),
            cores=(
                "Webbplatsen säger en sak och handläggaren en annan.",
                "Blanketten frågar om saker som ingen förklarar vad de betyder.",
                "Jag hittar inte informationen om hur man ansöker, länken leder ingenstans.",
                "Det finns två versioner av samma blankett och jag vet inte vilken som gäller.",
                "Brevet var så krångligt skrivet att jag inte förstod om jag fått ja eller nej.",
                "Öppettiderna på webbplatsen stämmer inte med skylten på plats.",
                "Informationen finns bara på svenska och min mamma förstår inte den.",
                "Det står ingenstans vilka bilagor som ska med.",
                "Avgifterna på er sida är gamla, de stämmer inte längre.",
                "Det kom ingen information om vägarbetet på {street} innan det började.",
                "Blanketterna går inte att läsa med skärmläsare.",
                "Varför måste man skriva ut en blankett, fylla i för hand och skanna in den?",
                "Den nya sidan om bygglov är mycket tydligare, tack för den.",
                "Det var bra med information på flera språk inför skolstarten.",
                "Det är omöjligt att hitta vem man ska kontakta på webbplatsen.",
                "Ett enkelt exempel i blanketten hade sparat mig mycket tid.",
            ),
            details=(
                "Jag läste sidan tre gånger.",
                "Jag fick tillbaka ansökan för att något saknades.",
                "Grannkommunens sida är mycket bättre.",
                "Jag är inte född i Sverige och byråkratsvenskan är svår.",
                "Sidan verkar inte ha uppdaterats på flera år.",
            ),
        ),
        "en": _Pool(
            openings=(
                "I don't understand what applies.",
                "Your website isn't easy to use.",
                "A question about the form.",
            ),
            cores=(
                "The website says one thing and the case officer says another.",
                "The form asks about things nobody explains.",
                "I can't find the information on how to apply, the link goes nowhere.",
                "There are two versions of the same form and I don't know which one to use.",
                "The letter was written so formally that I couldn't tell if it was a yes or a no.",
                "The opening hours on the website don't match the sign on the door.",
                "The information is only in Swedish and my mother can't read it.",
                "Nowhere does it say which attachments are needed.",
                "The fees on your page are out of date.",
                "There was no information about the road works on {street} before they started.",
                "The forms can't be read with a screen reader.",
                "Why do I have to print a form, fill it in by hand and scan it?",
                "The new page about building permits is much clearer, thanks.",
                "It was good to get information in several languages before school started.",
                "It's impossible to find out who to contact on the website.",
                "A simple example on the form would have saved me a lot of time.",
            ),
            details=(
                "I read the page three times.",
                "My application was sent back because something was missing.",
                "The neighbouring municipality's page is much better.",
                "I wasn't born in Sweden and official Swedish is hard.",
                "The page doesn't seem to have been updated for years.",
            ),
        ),
    },
    "beslut_avgifter": {
        "sv": _Pool(
            openings=(
                "Jag vill överklaga.",
                "Jag har fått en faktura som inte stämmer.",
                "Jag förstår inte ert beslut.",
            ),
            cores=(
                "Beslutet hänvisar bara till en paragraf och förklarar inte varför jag fick avslag.",
                "Fakturan gäller en månad då min mamma låg på sjukhus och inte fick någon hjälp.",
                "Avgiften för bygglovet är alldeles för hög för en så liten åtgärd.",
                "Vi fick avslag på skolskjuts fast vägen saknar både trottoar och belysning.",
                "Taxan för hemtjänst har höjts utan någon förklaring.",
                "Jag har fått dubbla fakturor på samma belopp.",
                "Jag fick en påminnelseavgift fast jag betalade i tid.",
                "Antalet timmar i beslutet sänktes utan att något har förändrats.",
                "Ni har räknat med en inkomst som jag inte längre har.",
                "Förskoleavgiften är beräknad på fel inkomst.",
                "Jag begär omprövning av beslutet i ärende {case}.",
                "Tillsynsavgiften för vår verksamhet har fördubblats på ett år.",
                "Det står inte i beslutet hur man överklagar.",
                "Grannen fick bygga samma sak men jag fick nej.",
                "Tack för att ni rättade fakturan så snabbt.",
                "Beslutet var tydligt motiverat även om jag inte fick som jag ville.",
            ),
            details=(
                "Jag har läkarintyg som styrker mitt behov.",
                "Beloppet är {minutes}0 kronor för mycket.",
                "Jag är pensionär och har inte råd.",
                "Det var samma sak förra året.",
                "Jag bifogar underlaget igen.",
            ),
        ),
        "en": _Pool(
            openings=(
                "I want to appeal.",
                "I've received an invoice that is wrong.",
                "I don't understand your decision.",
            ),
            cores=(
                "The decision only refers to a paragraph and doesn't explain why I was refused.",
                "The invoice is for a month when my mother was in hospital and got no help.",
                "The building permit fee is far too high for such a small job.",
                "We were refused school transport although the road has no pavement or lighting.",
                "The home care fee went up without any explanation.",
                "You've sent two invoices for the same thing.",
                "I got a late payment fee even though I paid on time.",
                "The hours in the decision were cut although nothing has changed.",
                "You've counted an income I no longer have.",
                "The preschool fee is based on the wrong income.",
                "I request a review of the decision in case {case}.",
                "The inspection fee for our business has doubled in a year.",
                "The decision doesn't say how to appeal.",
                "My neighbour was allowed to build the same thing but I was refused.",
                "Thank you for correcting the invoice so quickly.",
                "The decision was clearly explained even though it didn't go my way.",
            ),
            details=(
                "I have a doctor's certificate that shows my needs.",
                "The amount is {minutes}0 kronor too much.",
                "I'm a pensioner and can't afford it.",
                "It was the same last year.",
                "I'm attaching the documents again.",
            ),
        ),
    },
    "e_tjanster": {
        "sv": _Pool(
            openings=(
                "Er e-tjänst krånglar igen.",
                "Jag har försökt hela kvällen.",
                "Problem med Mina sidor.",
            ),
            cores=(
                "Inloggningen med BankID snurrar bara och sedan står det att tiden gått ut.",
                "E-tjänsten kraschar när jag ska ladda upp mina bilagor.",
                "Jag loggas ut innan jag hunnit fylla i hela ansökan och allt försvinner.",
                "Filen är för stor enligt e-tjänsten fast den bara är några megabyte.",
                "Appen för förskolan fungerar inte sedan senaste uppdateringen.",
                "Jag har inget BankID och då kan jag inte söka någonting digitalt.",
                "När jag trycker på skicka kommer det bara ett felmeddelande.",
                "Betalningen i e-tjänsten går inte igenom.",
                "E-tjänsten godkänner inte min adress fast jag bott här i många år.",
                "Felanmälan i appen hamnar på fel plats på kartan.",
                "Det finns ingen sparaknapp, så man måste göra allt på en gång.",
                "E-tjänsten går inte att använda med skärmläsare.",
                "Jag ser inte min ansökan under Mina ärenden fast jag fick en kvittens.",
                "Parkeringsappen drog pengar två gånger för samma parkering.",
                "Den nya e-tjänsten för bygglov är smidig, bra jobbat.",
                "Samordningsnummer fungerar inte i inloggningen.",
            ),
            details=(
                "Jag har provat både på mobilen och datorn.",
                "Felkoden var 500.",
                "Jag har rensat cache och provat en annan webbläsare.",
                "Sista ansökningsdag är imorgon.",
                "Min pappa är 80 och har gett upp.",
            ),
        ),
        "en": _Pool(
            openings=(
                "Your e-service is playing up again.",
                "I've been trying all evening.",
                "Problem with My pages.",
            ),
            cores=(
                "The BankID login just spins and then says the time has run out.",
                "The e-service crashes when I try to upload my attachments.",
                "I get logged out before I finish the application and everything is lost.",
                "The e-service says my file is too big although it's only a few megabytes.",
                "The preschool app hasn't worked since the last update.",
                "I don't have BankID so I can't apply for anything online.",
                "When I press send I just get an error message.",
                "The payment in the e-service won't go through.",
                "The e-service won't accept my address even though I've lived here for years.",
                "Reports made in the app end up in the wrong place on the map.",
                "There's no save button so you have to do everything in one go.",
                "The e-service can't be used with a screen reader.",
                "My application isn't under My cases although I got a receipt.",
                "The parking app charged me twice for one parking.",
                "The new e-service for building permits works smoothly, well done.",
                "Coordination numbers don't work in the login.",
            ),
            details=(
                "I've tried both on my phone and my computer.",
                "The error code was 500.",
                "I've cleared the cache and tried another browser.",
                "The deadline is tomorrow.",
                "My father is 80 and has given up.",
            ),
        ),
    },
    "fysisk_tillganglighet": {
        "sv": _Pool(
            openings=(
                "Jag använder rullstol.",
                "Jag har nedsatt syn.",
                "Min mamma går med rullator.",
            ),
            cores=(
                "Hissen i kommunhuset är trasig igen och jag kommer inte upp.",
                "Det finns ingen ramp vid entrén, bara trappsteg.",
                "Den tillgängliga toaletten används som förråd.",
                "Parkeringen för rörelsehindrade är alltid upptagen av bilar utan tillstånd.",
                "Dörren är för tung att öppna själv och dörröppnaren fungerar inte.",
                "Skyltarna är så små att man inte kan läsa dem.",
                "Det saknas ledstång i trappan.",
                "Hörslingan i salen fungerar inte.",
                "Disken i receptionen är för hög för den som sitter i rullstol.",
                "Rampen är så brant att den inte går att köra upp för.",
                "Det finns inga bänkar att vila på mellan hållplatsen och entrén.",
                "Den tillgängliga ingången är låst och ingen svarar på ringklockan.",
                "Gångarna i lokalen är för smala för en rullstol.",
                "Tack för den nya rampen, nu kan jag komma in själv.",
                "Trapporna saknar kontrastmarkering och jag har snubblat.",
                "Väntrummet har bara låga soffor som det är svårt att resa sig ur.",
            ),
            details=(
                "Det gäller lokalerna på {street}.",
                "Jag har anmält det förut.",
                "Det är ett lagkrav att det ska vara tillgängligt.",
                "Jag fick vänta ute i kylan.",
                "Färdtjänsten släppte av mig och sedan kom jag inte in.",
            ),
        ),
        "en": _Pool(
            openings=(
                "I use a wheelchair.",
                "I have impaired vision.",
                "My mother uses a walker.",
            ),
            cores=(
                "The lift in the town hall is broken again and I can't get upstairs.",
                "There's no ramp at the entrance, only steps.",
                "The accessible toilet is being used as a store room.",
                "The disabled parking is always taken by cars without a permit.",
                "The door is too heavy to open alone and the door opener doesn't work.",
                "The signs are so small they can't be read.",
                "There's no handrail on the stairs.",
                "The hearing loop in the hall isn't working.",
                "The reception desk is too high for someone in a wheelchair.",
                "The ramp is so steep it can't be used.",
                "There are no benches to rest on between the bus stop and the entrance.",
                "The accessible entrance is locked and nobody answers the bell.",
                "The aisles are too narrow for a wheelchair.",
                "Thanks for the new ramp, now I can get in on my own.",
                "The stairs have no contrast markings and I tripped.",
                "The waiting room only has low sofas that are hard to get up from.",
            ),
            details=(
                "This is about the premises on {street}.",
                "I've reported this before.",
                "Accessibility is a legal requirement.",
                "I had to wait outside in the cold.",
                "The transport service dropped me off and then I couldn't get in.",
            ),
        ),
    },
    "gata_park": {
        "sv": _Pool(
            openings=(
                "Felanmälan.",
                "Nu får det vara nog med {street}.",
                "Jag bor vid {park}.",
            ),
            cores=(
                "Det är ett djupt hål i asfalten på {street}.",
                "Gatlyktorna på {street} har varit släckta i flera veckor.",
                "Gång- och cykelvägen är inte plogad.",
                "Det har inte sandats och det är flughalt på trottoaren.",
                "Plogbilen har lagt en snövall framför vår utfart igen.",
                "Lekplatsen i {park} har trasiga gungor och glas i sandlådan.",
                "Gräset i {park} har inte klippts på hela sommaren.",
                "Papperskorgarna i {park} är överfulla varje måndag.",
                "Ett träd har fallit över gångvägen och ligger kvar.",
                "Bilarna kör alldeles för fort på {street}, det behövs farthinder.",
                "Dagvattenbrunnen är igensatt och det blir en sjö när det regnar.",
                "Trafikljuset i korsningen har varit ur funktion i flera dagar.",
                "Det är fortfarande grus kvar från vintern på cykelbanan.",
                "Buskarna växer ut över trottoaren så man får gå i gatan.",
                "Tack för att ni plogade så tidigt, gatorna var klara innan jag åkte till jobbet.",
                "Det är mörkt i gångtunneln och jag känner mig otrygg där på kvällen.",
            ),
            details=(
                "Det är precis vid övergångsstället.",
                "Barnen går där till {school} varje morgon.",
                "Min granne är 85 och vågar inte gå ut.",
                "Jag cyklade nästan omkull där igår.",
                "Det har varit så sedan i {month}.",
            ),
        ),
        "en": _Pool(
            openings=(
                "Fault report.",
                "Enough is enough on {street}.",
                "I live by {park}.",
            ),
            cores=(
                "There's a deep pothole on {street}.",
                "The streetlights on {street} have been out for weeks.",
                "The footpath and cycle path haven't been ploughed.",
                "Nobody has gritted and the pavement is like glass.",
                "The snow plough left a wall of snow across our driveway again.",
                "The playground in {park} has broken swings and glass in the sandpit.",
                "The grass in {park} hasn't been cut all summer.",
                "The bins in {park} are overflowing every Monday.",
                "A tree has fallen across the footpath and is still there.",
                "Cars drive far too fast on {street}, we need speed bumps.",
                "The drain is blocked and it floods when it rains.",
                "The traffic light at the crossing has been out of order for days.",
                "There's still gravel from the winter on the cycle path.",
                "Bushes grow over the pavement so you have to walk in the road.",
                "Thanks for ploughing so early, the streets were clear before I left for work.",
                "The underpass is dark and I don't feel safe there at night.",
            ),
            details=(
                "It's right by the pedestrian crossing.",
                "Children walk there to {school} every morning.",
                "My neighbour is 85 and doesn't dare go out.",
                "I nearly came off my bike there yesterday.",
                "It has been like that since {month_en}.",
            ),
        ),
    },
    "avfall": {
        "sv": _Pool(
            openings=(
                "Gäller sophämtningen på {street}.",
                "Nu igen.",
                "Fråga om sopkärlet.",
            ),
            cores=(
                "Vår soptunna har inte tömts på tre veckor.",
                "Matavfallet glömdes bort igen i tisdags.",
                "Återvinningsstationen vid affären är överfull och det ligger kartonger på marken.",
                "Hämtschemat stämmer inte med när sopbilen faktiskt kommer.",
                "Sopbilen lämnade tunnan mitt i gatan.",
                "Vi har inte fått några papperspåsar till matavfallet.",
                "Det är råttor runt soprummet för att det töms för sällan.",
                "Återvinningscentralen har för korta öppettider för oss som jobbar.",
                "Någon har dumpat en soffa vid återvinningsstationen.",
                "Sopbilen kommer så tidigt att hela kvarteret vaknar.",
                "Locket på tunnan gick sönder vid tömningen.",
                "Vi har fått fel storlek på kärlet.",
                "Glasigloon är full varje helg.",
                "Hämtningen av trädgårdsavfall har slutat utan att vi fått veta det.",
                "Tack till sophämtarna som alltid ställer tillbaka tunnan snyggt.",
                "Varannan vecka räcker inte på sommaren, det luktar fruktansvärt.",
            ),
            details=(
                "Adressen är {street} 7.",
                "Det har hänt flera gånger sedan i {month}.",
                "Fåglarna har rivit sönder påsarna.",
                "Vi sorterar noga, så det är inte det.",
                "Grannarna har samma problem.",
            ),
        ),
        "en": _Pool(
            openings=(
                "About waste collection on {street}.",
                "Here we go again.",
                "Question about our bin.",
            ),
            cores=(
                "Nobody has emptied our bin for almost a month.",
                "The food waste was forgotten again on Tuesday.",
                "The recycling point by the shop is overflowing and there's cardboard on the ground.",
                "The collection schedule doesn't match when the truck actually comes.",
                "The truck left the bin in the middle of the street.",
                "We haven't received any paper bags for food waste.",
                "There are rats around the bin room because it's emptied too rarely.",
                "The recycling centre's opening hours are too short for people who work.",
                "Someone has dumped a sofa at the recycling point.",
                "The bin lorry comes so early that the whole block wakes up.",
                "The lid of the bin broke when it was emptied.",
                "We've been given the wrong size of bin.",
                "The glass container is full every weekend.",
                "Garden waste collection stopped without anyone telling us.",
                "Thanks to the collectors who always put the bin back neatly.",
                "Every other week isn't enough in summer, it smells terrible.",
            ),
            details=(
                "The address is {street} 7.",
                "It has happened several times since {month_en}.",
                "Birds have torn the bags apart.",
                "We sort carefully, so that's not the reason.",
                "The neighbours have the same problem.",
            ),
        ),
    },
    "skola_forskola": {
        "sv": _Pool(
            openings=(
                "Jag är förälder till ett barn på {school}.",
                "Det här gäller förskolan {preschool}.",
                "Som förälder är jag orolig.",
            ),
            cores=(
                "Min dotter blir retad varje dag och skolan gör ingenting.",
                "Barngruppen på förskolan {preschool} är alldeles för stor.",
                "Det är nya vikarier varje dag och barnen vet aldrig vem som möter dem.",
                "Skolskjutsen kom inte i morse och ingen hörde av sig.",
                "Vi fick förskoleplats långt ifrån de förskolor vi önskade.",
                "Skolmaten tar slut innan de sista klasserna hinner äta.",
                "Det extra stödet som står i åtgärdsprogrammet ges inte.",
                "Fritids stänger för tidigt för oss som jobbar heltid.",
                "Klassen har inte haft en ordinarie lärare på flera månader.",
                "Skolgården saknar nästan helt lekredskap.",
                "Det är för få vuxna ute på rasterna.",
                "Skolan hörde inte av sig om min sons frånvaro.",
                "Tack till personalen på {preschool} för en fin inskolning.",
                "Läraren har gjort ett fantastiskt jobb med klassen i år.",
                "Ventilationen i klassrummet är så dålig att barnen får huvudvärk.",
                "Skolbussen släpper av barnen långt innan skolan öppnar.",
            ),
            details=(
                "Han går i årskurs {grade}.",
                "Vi har haft flera möten utan resultat.",
                "Andra föräldrar säger samma sak.",
                "Hon har börjat ha ont i magen på morgnarna.",
                "Det har varit så hela terminen.",
            ),
        ),
        "en": _Pool(
            openings=(
                "I'm a parent of a child at {school}.",
                "This is about {preschool} preschool.",
                "As a parent I'm worried.",
            ),
            cores=(
                "My daughter is teased every day and the school does nothing.",
                "The group at {preschool} preschool is far too big.",
                "There are new substitutes every day and the children never know who will meet them.",
                "The school bus didn't come this morning and nobody got in touch.",
                "We got a preschool place far from the ones we asked for.",
                "School lunch runs out before the last classes get to eat.",
                "The extra support in the support plan isn't being given.",
                "After-school care closes too early for parents who work full time.",
                "The class hasn't had a permanent teacher for months.",
                "The school yard has hardly any play equipment.",
                "There are too few adults outside at break time.",
                "The school never contacted me about my son's absence.",
                "Thanks to the staff at {preschool} for such a good settling-in period.",
                "The teacher has done a fantastic job with the class this year.",
                "The classroom ventilation is so bad the children get headaches.",
                "The school bus drops the children off long before the school opens.",
            ),
            details=(
                "We've had several meetings with no result.",
                "Other parents say the same.",
                "She has started getting stomach aches in the mornings.",
                "It has been like this all term.",
                "He is only seven.",
            ),
        ),
    },
    "omsorg": {
        "sv": _Pool(
            openings=(
                "Jag är anhörig till en äldre man med hemtjänst.",
                "Det gäller min mamma på {home}.",
                "Min bror har insatser enligt LSS.",
            ),
            cores=(
                "Hemtjänsten kom inte alls idag och mamma fick ingen frukost.",
                "Det kommer nya personer hela tiden och pappa känner inte igen någon.",
                "Personalen har för lite tid för att hjälpa henne att äta i lugn och ro.",
                "Trygghetslarmet tog nästan en timme att få svar på.",
                "Han har inte fått komma ut på en promenad på flera veckor.",
                "Medicinerna ges inte på rätt tider.",
                "Besöken kommer vid helt olika tider varje dag.",
                "Maten som levereras hem är kall när den kommer.",
                "Den dagliga verksamheten ställs in för att det saknas personal.",
                "Det finns ingen personal som pratar finska med henne.",
                "Han har fått trycksår för att ingen vänder honom på natten.",
                "Ledsagaren har uteblivit flera gånger utan förvarning.",
                "Städningen räcker inte till, det är smutsigt i lägenheten.",
                "Personalen i hemtjänstgruppen är så omtänksamma, tack.",
                "Korttidsboendet har varit en trygg plats för vår son.",
                "Det är för lite personal på helgerna.",
            ),
            details=(
                "Hon har demens och blir lätt orolig.",
                "Han är 91 år.",
                "Vi anhöriga har sagt till flera gånger.",
                "Det var samma sak förra helgen.",
                "Hon bor ensam.",
            ),
        ),
        "en": _Pool(
            openings=(
                "I'm a relative of an elderly man with home care.",
                "This is about my mother at {home}.",
                "My brother has disability support under LSS.",
            ),
            cores=(
                "Home care didn't come at all today and mum had no breakfast.",
                "New people come all the time and dad doesn't recognise anyone.",
                "Staff have too little time to help her eat calmly.",
                "It took almost an hour to get a response to the safety alarm.",
                "He hasn't been out for a walk for weeks.",
                "The medication isn't given at the right times.",
                "The visits come at completely different times every day.",
                "The meals delivered to the house are cold when they arrive.",
                "Day activities are cancelled because there aren't enough staff.",
                "None of the staff speak Finnish with her.",
                "He has got pressure sores because nobody turns him at night.",
                "The companion hasn't turned up several times without notice.",
                "The cleaning isn't enough, the flat is dirty.",
                "The home care team are so caring, thank you.",
                "The respite home has been a safe place for our son.",
                "There are too few staff at weekends.",
            ),
            details=(
                "She has dementia and gets anxious easily.",
                "He is 91.",
                "We relatives have raised this several times.",
                "It was the same last weekend.",
                "She lives alone.",
            ),
        ),
    },
}

_EN_SHARE = 1 / 6
_MULTI_SHARE = 0.2
_TYPO_SHARE = 0.3
_DIACRITICS = str.maketrans("åäöÅÄÖ", "aaoAAO")


def _fill(rng: random.Random, sentence: str) -> str:
    if "{" not in sentence:
        return sentence
    values = {key: rng.choice(options) for key, options in _FILL.items()}
    return sentence.format(**values)


def _double_letter(rng: random.Random, text: str) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isalpha()]
    if not positions:
        return text
    i = rng.choice(positions)
    return text[: i + 1] + text[i] + text[i + 1 :]


def _swap_letters(rng: random.Random, text: str) -> str:
    positions = [i for i in range(len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha()]
    if not positions:
        return text
    i = rng.choice(positions)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _typos(rng: random.Random, text: str, language: str) -> str:
    """One or more of the slips people make when they type quickly in a web form."""
    kinds = ["double", "swap", "lower", "stops"]
    if language == "sv":
        kinds += ["diacritics", "diacritics"]
    for kind in rng.sample(kinds, rng.randint(1, 3)):
        if kind == "diacritics":
            text = text.translate(_DIACRITICS)
        elif kind == "double":
            text = _double_letter(rng, text)
        elif kind == "swap":
            text = _swap_letters(rng, text)
        elif kind == "lower":
            text = text.lower()
        else:
            text = text.replace(". ", " ").rstrip(".")
    return text


def _one_text(rng: random.Random, area: str, language: str) -> str:
    pool = _POOLS[area][language]
    parts: list[str] = []
    if rng.random() < 0.6:
        if rng.random() < 0.4:
            parts.append(rng.choice(pool.openings))
        else:
            parts.append(rng.choice(_OPENINGS[language]))
    parts.append(rng.choice(pool.cores))
    if rng.random() < 0.55:
        parts.append(rng.choice(pool.details))
    if rng.random() < _MULTI_SHARE:
        other = rng.choice([code for code in _POOLS if code != area])
        parts.append(rng.choice(_POOLS[other][language].cores))
    if len(parts) < 4 and rng.random() < 0.35:
        parts.append(rng.choice(_CLOSINGS[language]))
    text = " ".join(_fill(rng, part) for part in parts[:4])
    if rng.random() < _TYPO_SHARE:
        text = _typos(rng, text, language)
    return text


def demo_texts(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(text, language, area_code) tuples for the demo's feedback, about one in six English."""
    codes = list(_WEIGHTS)
    weights = [_WEIGHTS[code] for code in codes]
    out: list[tuple[str, str, str]] = []
    for _ in range(count):
        area = rng.choices(codes, weights=weights)[0]
        language = "en" if rng.random() < _EN_SHARE else "sv"
        out.append((_one_text(rng, area, language), language, area))
    return out
