"""The bot: a small responder interface and the built-in knowledge-base responder.

The built-in responder matches the visitor's message against each entry's question and its
alternates (other phrasings, other languages), in plain Python: a knowledge base holds tens to a few
hundred entries, and numpy would add ~30 MB to every cold start for no gain here. An LLM responder
(e.g. Amazon Bedrock) implements the same `answer` method.

How a message is matched (KnowledgeBaseResponder):
  1. its language is detected (chalicelib.domain.language; None when unsure, then each language the
     knowledge base is written in is tried and the best reading kept);
  2. it is cut into words, stop words and chat filler of that language dropped, the rest stemmed with
     that language's Snowball stemmer ("shipping", "shipped" -> "ship"; "envíos" -> "envi"), German and
     Dutch compounds split on known words ("Versandkosten" -> Versand + Kosten);
  3. each word also maps to language-independent concepts through a small customer-service lexicon
     (_LEXICON: package/parcel/order, cost/price/fee, envío/livraison/Versand/shipping...), looked up
     by the word as written before its stem ("payer" is to pay, "pays" a country), English words in
     another language's message too ("Apple Pay"); a few phrases do too ("where is my parcel",
     "my package is lost" -> tracking, "money back" -> refund, "how much", "do I pay for" -> cost).
     An unknown word a plausible typo away from a word the KB uses is read as that word ("shiping",
     "retrun", "pricng"; 4-letter words only with two letters swapped, so "hire" is not "hike");
  4. every phrasing of an entry (its question, each alternate) scores
         precision ** 1.5 * (0.6 + 0.4 * sqrt(recall))
     precision: the share of the MESSAGE's weight the phrasing explains (IDF weights over the KB's
     questions; an exact stem counts 1, a concept or the same word in another language 0.85, a word
     found only in the entry's answer 0.65); recall: the share of the phrasing the message covers.
     A word the KB never uses weighs like its rarest words, a customer-service concept it never
     mentions ("privacy" in "what is your privacy policy?") weighs more, so a question about
     something else is not answered by the entry that shares its generic words ("policy"); an everyday
     word (_GENERIC_TEXT: door, window, usual, last, number...) weighs a quarter of that, so a
     paraphrase is not sunk by them while a distinctive word ("carrier", "backpack") still counts in
     full. Words naming the thing (order, item, jacket) weigh half of what is asked about it; a word
     weighs halfway to its concept's weight when that is lower. The answer alone can also match (exact
     words only, at most ANSWER_ONLY). The runner-up entry lowers the confidence a little: a message
     halfway between two entries is usually about neither;
  5. a run-on message is also read question clause by question clause (a clause ending with "?" or
     holding a question word), a clause counting CLAUSE of its score: "I ordered a jacket last week and
     I was wondering how long shipping takes because I need it for a trip".
The best entry is answered if it scores at least the threshold. A visitor writing in a language the
knowledge base has nothing in is never given a confident wrong answer: a cross-language match (through
the lexicon) must also clear CROSS_LANGUAGE_MIN and is prefixed, in the visitor's language, with a note
that the answer exists only in the KB's language; otherwise the bot says, in the visitor's language,
which languages it can answer in and offers a person. Measured by benchmarks/answers_eval.py.
"""
import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional, Protocol, Sequence

from chalicelib.domain import language as language_mod
from chalicelib.domain.language import DEFAULT as DEFAULT_LANG, LANGUAGES

# ---- texts, per language ------------------------------------------------------------------------------

_FALLBACK = {
    'en': "I'm not sure I can answer that. Could you rephrase it, or ask to talk to a person?",
    'es': 'No estoy seguro de poder responder a eso. ¿Puedes reformularlo o pedir hablar con una persona?',
    'fr': 'Je ne suis pas sûr de pouvoir répondre à cela. Pouvez-vous reformuler, ou demander à parler à une '
          'personne ?',
    'de': 'Ich bin nicht sicher, ob ich das beantworten kann. Können Sie es anders formulieren oder darum bitten, '
          'mit einer Person zu sprechen?',
    'pt': 'Não tenho certeza de que posso responder a isso. Pode reformular ou pedir para falar com uma pessoa?',
    'it': 'Non sono sicuro di poter rispondere. Puoi riformulare la domanda o chiedere di parlare con una persona?',
    'nl': 'Ik weet niet zeker of ik dat kan beantwoorden. Kunt u het anders formuleren, of vragen om met een '
          'medewerker te spreken?',
}
_DECLINED = {
    'en': ("Human support isn't available in this chat right now, but I'll keep helping you. "
           "Could you tell me a bit more about what you need?"),
    'es': 'La atención de una persona no está disponible en este chat ahora mismo, pero seguiré ayudándote. '
          '¿Puedes contarme un poco más sobre lo que necesitas?',
    'fr': "Le support humain n'est pas disponible dans ce chat pour le moment, mais je continue à vous aider. "
          "Pouvez-vous m'en dire un peu plus sur ce dont vous avez besoin ?",
    'de': 'Persönlicher Support ist in diesem Chat gerade nicht verfügbar, aber ich helfe Ihnen gern weiter. '
          'Können Sie etwas genauer beschreiben, was Sie brauchen?',
    'pt': 'O atendimento humano não está disponível neste chat no momento, mas continuo a ajudar. '
          'Pode contar um pouco mais sobre o que precisa?',
    'it': 'Il supporto di una persona non è disponibile in questa chat al momento, ma continuo ad aiutarti. '
          'Puoi dirmi qualcosa in più su ciò di cui hai bisogno?',
    'nl': 'Een medewerker is in deze chat nu niet beschikbaar, maar ik help u graag verder. '
          'Kunt u iets meer vertellen over wat u nodig hebt?',
}
_ERROR = {
    'en': 'Sorry, something went wrong on my side. Please try again in a moment.',
    'es': 'Lo siento, algo ha fallado por mi parte. Vuelve a intentarlo en un momento.',
    'fr': 'Désolé, un problème est survenu de mon côté. Veuillez réessayer dans un instant.',
    'de': 'Entschuldigung, bei mir ist etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.',
    'pt': 'Desculpe, algo deu errado do meu lado. Tente novamente daqui a pouco.',
    'it': 'Mi dispiace, qualcosa è andato storto da parte mia. Riprova tra un momento.',
    'nl': 'Sorry, er ging bij mij iets mis. Probeer het zo nog eens.',
}
# {lang} is the visitor's language, {langs} the languages the knowledge base is written in (both named
# in the visitor's language).
_UNSUPPORTED = {
    'en': "I don't have an answer to that in {lang}. My answers are written in {langs}: you can ask me in {langs}, "
          "or ask to talk to a person and someone from the team will help you.",
    'es': 'No tengo una respuesta a eso en {lang}. Mis respuestas están escritas en {langs}: puedes preguntarme en '
          '{langs} o pedir hablar con una persona del equipo, que te ayudará.',
    'fr': 'Je n’ai pas de réponse à cela en {lang}. Mes réponses sont rédigées en {langs} : vous pouvez me poser la '
          'question en {langs}, ou demander à parler à une personne de l’équipe, qui vous aidera.',
    'de': 'Darauf habe ich auf {lang} keine Antwort. Meine Antworten sind auf {langs} verfasst: Sie können mich auf '
          '{langs} fragen oder darum bitten, mit einer Person aus dem Team zu sprechen, die Ihnen weiterhilft.',
    'pt': 'Não tenho uma resposta para isso em {lang}. As minhas respostas estão escritas em {langs}: pode '
          'perguntar-me em {langs} ou pedir para falar com uma pessoa da equipe, que vai ajudar.',
    'it': 'Non ho una risposta a questo in {lang}. Le mie risposte sono scritte in {langs}: puoi chiedermelo in '
          '{langs} o chiedere di parlare con una persona del team, che ti aiuterà.',
    'nl': 'Daar heb ik in het {lang} geen antwoord op. Mijn antwoorden zijn in het {langs} geschreven: u kunt het '
          'mij in het {langs} vragen, of vragen om met iemand van het team te spreken die u verder helpt.',
}
# Put before an answer found through another language: "this answer exists only in {langs}".
_CROSS_NOTE = {
    'en': '(This answer is only available in {langs}.)',
    'es': '(Esta respuesta solo está disponible en {langs}.)',
    'fr': '(Cette réponse n’existe qu’en {langs}.)',
    'de': '(Diese Antwort gibt es nur auf {langs}.)',
    'pt': '(Esta resposta só está disponível em {langs}.)',
    'it': '(Questa risposta è disponibile solo in {langs}.)',
    'nl': '(Dit antwoord is alleen in het {langs} beschikbaar.)',
}

FALLBACK = _FALLBACK['en']
DECLINED = _DECLINED['en']
ERROR = _ERROR['en']


def _pick(texts, lang):
    return texts.get(lang) or texts[DEFAULT_LANG]


def fallback(lang=None):
    """"I'm not sure I can answer that..." in `lang` (English for None or an unknown code)."""
    return _pick(_FALLBACK, lang)


def declined(lang=None):
    """"Human support isn't available right now..." in `lang`."""
    return _pick(_DECLINED, lang)


def error_text(lang=None):
    """"Sorry, something went wrong..." in `lang`."""
    return _pick(_ERROR, lang)


def unsupported_language(lang, kb_langs=(DEFAULT_LANG,)):
    """In the visitor's language `lang`: which languages the bot answers in, and that a person can help."""
    langs = [l for l in LANGUAGES if l in set(kb_langs)] or [DEFAULT_LANG]
    return _pick(_UNSUPPORTED, lang).format(lang=language_mod.name(lang, lang),
                                            langs=language_mod.names(langs, lang))


def cross_language_note(lang, answer_lang):
    return _pick(_CROSS_NOTE, lang).format(langs=language_mod.name(answer_lang, lang))


# ---- model ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: str
    alternates: tuple = ()          # more example questions: other phrasings, other languages
    lang: Optional[str] = None      # language of question and answer; None = detected, else English

    def __post_init__(self):
        if not isinstance(self.alternates, tuple):
            object.__setattr__(self, 'alternates', tuple(self.alternates or ()))


@dataclass(frozen=True)
class BotAnswer:
    text: str
    confidence: float
    entry_id: Optional[str] = None
    # Not part of equality: information for the caller and for operators (see `meta`).
    lang: Optional[str] = field(default=None, compare=False)          # language of `text` (None: not known)
    visitor_lang: Optional[str] = field(default=None, compare=False)  # detected language of the message, or None
    matched: Optional[str] = field(default=None, compare=False)       # the question or alternate that matched best
    reason: Optional[str] = field(default=None, compare=False)        # see REASONS

    def understood(self, threshold):
        return self.entry_id is not None and self.confidence >= threshold

    def meta(self):
        """A small dict for the message's meta, readable by operators."""
        out = {'confidence': self.confidence}
        for key in ('entry_id', 'lang', 'visitor_lang', 'matched', 'reason'):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


REASONS = {
    'answered': 'an entry matched in the visitor\'s language (or the language is unknown)',
    'cross_language': 'an entry matched through another language; the answer is prefixed with a note',
    'no_match': 'no entry scored the threshold; fallback text in the visitor\'s language',
    'unsupported_language': 'the knowledge base has nothing in the visitor\'s language; says so and offers a person',
    'empty': 'empty message or empty knowledge base',
}


class Responder(Protocol):
    def answer(self, text: str, entries: Sequence[Entry], threshold: Optional[float] = None,
               transcript: Sequence[dict] = ()) -> BotAnswer:
        """Answer `text`, or say it does not know below `threshold`. `transcript` (for an LLM)
        leaves out system notices, so a model is never told by the transcript to stay silent."""


# ---- lexicon ----------------------------------------------------------------------------------------
# Domain-independent customer-service vocabulary: each line is a concept and its words per language.
# Words are stemmed with their language's stemmer when first used. A word may belong to several concepts.
# Keep it generic (what any shop or online service is asked); a knowledge base's own wording belongs in
# its entries' alternates, not here.
_LEXICON = '''
ship | en: ship ships shipping shipped shipment shipments deliver delivers delivered delivery deliveries dispatch dispatched postage courier send sent mail
     | es: envío envíos enviar envían envian enviáis mandan mandar entrega entregas entregar entregan
     | fr: livraison livraisons livrer livrez livré livrée expédition expédier expédiez envoi envoyer envoyez port
     | de: versand versenden versendet verschicken verschickt liefern liefert lieferung lieferungen lieferzeit zustellung
     | pt: envio envios enviar enviam entrega entregas entregar entregam frete remessa
     | it: spedizione spedizioni spedire spedite consegna consegne consegnare
     | nl: verzending verzenden verzendt levering leveren bezorging bezorgen bezorgd versturen verstuurd
duration | en: long time days fast quickly soon arrive arrives arriving arrival eta
     | es: tarda tardan tardar tiempo demora demoran días plazo rápido llega llegar llegue
     | fr: temps délai délais jours rapide rapidement arrive arriver
     | de: dauert dauer lange tage schnell ankommen
     | pt: demora demoram tempo prazo dias rápido chegar chega
     | it: tempo tempi giorni veloce arriva arrivare
     | nl: lang duurt tijd dagen snel aankomen
cost | en: cost costs costing price prices pricing priced fee fees charge charges expensive cheap cheaper amount free
     | es: costo costos coste cuesta cuestan precio precios tarifa tarifas cuota caro barato cobran gratis gratuito gratuita importe monto
     | fr: coût coûts coûte coûtent prix tarif tarifs frais cher payant gratuit gratuite montant
     | de: kosten kostet preis preise gebühr gebühren teuer günstig tarif tarife kostenlos umsonst gratis betrag
     | pt: custo custos custa custam preço preços taxa taxas tarifa caro barato cobram grátis gratuito montante
     | it: costo costi costa costano prezzo prezzi tariffa tariffe caro economico gratis gratuito importo
     | nl: kosten kost prijs prijzen tarief tarieven goedkoop gratis bedrag
free | en: free gratis complimentary
     | es: gratis gratuito gratuita gratuitos | fr: gratuit gratuite gratuits gratuitement
     | de: kostenlos kostenlose gratis umsonst | pt: grátis gratuito gratuita | it: gratis gratuito gratuita gratuiti
     | nl: gratis kosteloos
abroad | en: international internationally abroad worldwide overseas country countries foreign outside
         uk britain england scotland germany france spain italy portugal netherlands holland belgium luxembourg canada mexico usa us america australia ireland switzerland austria denmark sweden norway finland poland czechia japan china brazil argentina chile colombia peru india
     | es: internacional internacionales extranjero fuera país países alemania francia españa italia holanda bélgica canadá méxico eeuu estados unidos suiza austria argentina chile colombia perú uruguay venezuela ecuador bolivia paraguay portugal
     | fr: international internationale internationaux étranger hors pays allemagne espagne italie belgique suisse canada luxembourg québec portugal autriche
     | de: international internationale ausland außerhalb weltweit länder land deutschland frankreich spanien italien österreich schweiz belgien niederlande england polen dänemark
     | pt: internacional exterior estrangeiro fora país países brasil alemanha frança espanha itália angola moçambique
     | it: internazionale internazionali estero fuori paesi paese germania francia spagna svizzera belgio austria inghilterra
     | nl: internationaal buitenland buiten wereldwijd landen duitsland frankrijk spanje italië belgië engeland oostenrijk zwitserland
return | en: return returns returned returning
     | es: devolver devolución devoluciones devuelvo devolverlo | fr: retour retours retourner renvoyer rendre
     | de: rücksendung rücksenden zurücksenden zurückschicken retoure rückgabe zurückgeben
     | pt: devolver devolução devoluções devolvo | it: reso resi restituire restituzione rendere
     | nl: retour retourneren terugsturen retourzending terugbrengen
refund | en: refund refunds refunded refunding reimburse reimbursed reimbursement credited
     | es: reembolso reembolsos reembolsar reembolsan | fr: remboursement remboursements rembourser remboursé remboursée
     | de: erstattung rückerstattung erstatten erstattet | pt: reembolso reembolsar estorno
     | it: rimborso rimborsi rimborsare rimborsato | nl: terugbetaling terugbetalen terugstorting
exchange | en: exchange exchanges exchanged swap swapped replace replacement instead trade
     | es: cambio cambiar | fr: échange échanger | de: umtausch umtauschen tauschen | pt: troca trocar
     | it: cambio cambiare sostituire sostituzione | nl: ruilen omruilen omwisselen
size | en: size sizes sizing fit fits medium xs xl xxl measurements measure cm centimetres centimeters inch inches small smaller big bigger large larger tight loose
     | es: talla tallas tamaño tamaños medida queda quedan pequeño pequeña grande | fr: taille tailles taillent pointure petit petite grand grande
     | de: größe größen grösse passform passt passen klein kleiner groß größer | pt: tamanho tamanhos medida pequeno pequena grande
     | it: taglia taglie misura misure piccolo piccola grande | nl: maat maten past passen klein kleiner groot groter
guide | en: guide chart table | es: guía tabla | fr: guide tableau | de: tabelle ratgeber | pt: guia tabela
     | it: guida tabella | nl: gids tabel
hours | en: hours hour open opening opens closed closing close reachable monday tuesday wednesday thursday friday saturday sunday weekend weekends
     | es: horario horarios abierto abiertos abre abren cierra cierran lunes martes miércoles jueves viernes sábado domingo
     | fr: horaire horaires joignable ouvert ouverte ouvre ouvrez ouverture fermé ferme fermez fermeture lundi mardi mercredi jeudi vendredi samedi dimanche
     | de: öffnungszeiten geöffnet offen erreichbar öffnet schließt geschlossen uhrzeit montag dienstag mittwoch donnerstag freitag samstag sonntag wochenende
     | pt: horário horários aberto aberta abre fecha fechado segunda terça quarta quinta sexta sábado domingo
     | it: orario orari aperto aperti apre chiude chiuso lunedì martedì mercoledì giovedì venerdì sabato domenica
     | nl: openingstijden openingsuren geopend open sluit gesloten maandag dinsdag woensdag donderdag vrijdag zaterdag zondag weekend
pay | en: pay paying paid payment payments credit debit bitcoin crypto bank transfer wire visa mastercard amex maestro paypal klarna sepa checkout billing billed
     | es: pagar pago pagos crédito débito plazos facturación transferencia bancaria
     | fr: payer paiement paiements crédit facturation virement bancaire
     | de: bezahlen zahlen zahlung zahlungen bezahlung kreditkarte ratenzahlung abrechnung lastschrift überweisung
     | pt: pagar pagamento pagamentos crédito parcelar cobrança transferência bancária
     | it: pagare pagamento pagamenti credito rate fatturazione bonifico
     | nl: betalen betaling betalingen creditcard betaalmethode facturering overschrijving
method | en: method methods option options | es: métodos formas opciones medios | fr: moyens modes méthodes options
     | de: methoden möglichkeiten optionen zahlungsarten | pt: métodos formas opções | it: metodi modalità opzioni
     | nl: methoden manieren opties
accept | en: accept accepts accepted | es: aceptan aceptar aceptáis | fr: acceptez accepter acceptés
     | de: akzeptieren akzeptiert | pt: aceitam aceitar | it: accettate accettare | nl: accepteren accepteert
order | en: order orders ordered package packages parcel parcels purchase purchases purchased buy bought sell sells sold selling
     | es: pedido pedidos paquete paquetes compra compras encargo comprar venden vender | fr: commande commandes colis paquet achat acheter vendez vendre
     | de: bestellung bestellungen paket pakete sendung kaufen verkaufen verkauft | pt: pedido pedidos encomenda encomendas pacote compra comprar vendem vender
     | it: ordine ordini pacco pacchi acquisto comprare acquistare vendete vendere | nl: bestelling bestellingen pakket pakketje zending aankoop kopen verkopen verkoopt
track | en: track tracking trace status whereabouts
     | es: seguimiento seguir rastrear rastreo localizar estado | fr: suivre suivi localiser statut
     | de: verfolgen sendungsverfolgung verfolgung status sendungsstatus | pt: rastrear rastreamento rastreio acompanhar estado status
     | it: tracciare tracciamento seguire stato | nl: volgen volgnummer status
change | en: change changes changing modify modified edit update amend correct switch mistake
     | es: cambiar modificar editar corregir equivoqué equivocado equivocada error
     | fr: changer modifier corriger erreur trompé trompée | de: ändern änderung bearbeiten korrigieren fehler falsch
     | pt: mudar alterar modificar corrigir errei erro | it: cambiare modificare correggere sbagliato errore
     | nl: wijzigen veranderen aanpassen fout vergissing
cancel | en: cancel cancels cancelled canceled cancelling cancellation unsubscribe terminate stop quit end ending
     | es: cancelar cancelación anular baja | fr: annuler annulation résilier résiliation arrêter
     | de: stornieren stornierung storno kündigen kündigung abbestellen beenden | pt: cancelar cancelamento encerrar
     | it: annullare annullamento disdire disdetta terminare | nl: annuleren annulering opzeggen opzegging stopzetten beëindigen
loyalty | en: loyalty rewards reward points membership member members club perks benefits vip
     | es: fidelidad fidelización puntos recompensas socio socios miembro club ventajas beneficios
     | fr: fidélité points récompenses club membre membres avantages
     | de: treueprogramm treue punkte prämien mitgliedschaft mitglied bonusprogramm club vorteile stammkunde stammkunden
     | pt: fidelidade pontos recompensas clube membro vantagens benefícios | it: fedeltà punti premi club membro vantaggi
     | nl: loyaliteit loyaliteitsprogramma punten spaarpunten klantenkaart club lidmaatschap voordelen
sustainable | en: sustainable sustainability eco green environment environmental environmentally recycled recycle recycling ethical ethically sourced organic carbon climate footprint
     | es: sostenible sostenibilidad ecológico ecológica reciclado reciclados medioambiente ético ética
     | fr: durable durabilité écologique écologiques écoresponsable écoresponsables recyclé recyclés environnement éthique
     | de: nachhaltig nachhaltigkeit umweltfreundlich ökologisch recycelt recycling umwelt ethisch
     | pt: sustentável sustentabilidade ecológico reciclado ambiente ético | it: sostenibile sostenibilità ecologico riciclato riciclati ambiente etico
     | nl: duurzaam duurzaamheid milieuvriendelijk gerecycled milieu ethisch
account | en: account accounts profile | es: cuenta perfil | fr: compte profil | de: konto profil | pt: conta perfil
     | it: account profilo | nl: account profiel
login | en: login signin | es: acceder | fr: connecter connexion | de: anmelden anmeldung einloggen login
     | pt: login acessar entrar | it: accedere accesso login | nl: inloggen aanmelden
password | en: password passwords passcode | es: contraseña | fr: mdp | de: passwort kennwort | pt: senha
     | it: password | nl: wachtwoord
reset | en: reset forgot forgotten recover recovery remember | es: restablecer olvidé olvidado recuperar recuerdo recordar
     | fr: réinitialiser oublié récupérer souviens rappelle | de: zurücksetzen vergessen wiederherstellen erinnere
     | pt: redefinir esqueci esqueceu recuperar lembro | it: reimpostare dimenticato recuperare ricordo | nl: resetten vergeten herstellen herinner
invoice | en: invoice invoices receipt receipts bill bills billing | es: factura facturas comprobante | fr: facture factures reçu
     | de: rechnung rechnungen quittung beleg | pt: fatura faturas recibo | it: fattura fatture ricevuta
     | nl: factuur facturen bon
subscription | en: subscription subscriptions plan plans tier tiers | es: suscripción plan planes abono
     | fr: abonnement abonnements forfait formule | de: abonnement abo tarif plan | pt: assinatura plano planos
     | it: abbonamento piano piani | nl: abonnement abonnementen
trial | en: trial trials try test demo | es: prueba probar | fr: essai essayer tester
     | de: testphase testversion testen probe | pt: teste testar avaliação | it: prova provare
     | nl: proefperiode proberen uitproberen testen proef
data | en: data information stats statistics analytics | es: datos información estadísticas
     | fr: données statistiques | de: daten statistiken | pt: dados estatísticas | it: dati statistiche
     | nl: gegevens data statistieken
export | en: export download extract csv excel spreadsheet | es: exportar descargar | fr: exporter télécharger
     | de: exportieren herunterladen export | pt: exportar baixar | it: esportare scaricare | nl: exporteren downloaden
delete | en: delete deletion remove erase close | es: eliminar borrar | fr: supprimer effacer | de: löschen entfernen
     | pt: excluir apagar | it: eliminare cancellare | nl: verwijderen wissen
contact | en: contact reach email support helpdesk | es: contactar contacto soporte
     | fr: contacter contact support assistance | de: kontakt kontaktieren support kundendienst kundenservice
     | pt: contato contatar contactar suporte | it: contattare contatto assistenza supporto
     | nl: contact contacteren ondersteuning klantenservice support
team | en: team teammate teammates colleague colleagues coworker coworkers seat seats user users invite invited invitation people
     | es: equipo compañero compañeros colega colegas usuarios invitar personas | fr: équipe collègue collègues utilisateurs inviter personnes
     | de: team kollege kollegen kollegin nutzer benutzer einladen personen leute | pt: equipe colega colegas usuários convidar pessoas
     | it: team squadra collega colleghi utenti invitare persone | nl: team collega collegas gebruikers uitnodigen mensen personen
privacy | en: privacy gdpr private personal cookies cookie consent dpa ip anonymous anonymised anonymized tracking-free
     | es: privacidad rgpd personales consentimiento | fr: confidentialité rgpd personnelles consentement
     | de: datenschutz dsgvo personenbezogene einwilligung zustimmung | pt: privacidade lgpd rgpd pessoais consentimento
     | it: privacy riservatezza gdpr personali consenso | nl: privacy avg persoonsgegevens toestemming
policy | en: policy policies rules conditions terms | es: política políticas condiciones | fr: politique conditions
     | de: richtlinie richtlinien bedingungen regeln | pt: política condições | it: politica condizioni
     | nl: beleid voorwaarden regels
install | en: install installation installing embed snippet script plugin | es: instalar instalación
     | fr: installer installation | de: installieren installation einbinden | pt: instalar instalação
     | it: installare installazione | nl: installeren installatie
upgrade | en: upgrade downgrade switch move migrate | es: mejorar | de: upgraden wechseln | it: passare | nl: upgraden overstappen
store | en: store stores shop boutique | es: tienda tiendas | fr: magasin boutique | de: laden geschäft filiale
     | pt: loja lojas | it: negozio negozi | nl: winkel winkels
product | en: item items product products article articles clothes goods stuff material materials fabric fabrics
     | es: artículo artículos producto productos prenda cosas material materiales tela
     | fr: article articles produit produits vêtement vêtements affaires matériau matériaux matière tissu
     | de: artikel produkt produkte ware sachen material materialien stoff
     | pt: artigo produto produtos peça coisas material materiais tecido
     | it: articolo prodotto prodotti cose materiale materiali tessuto | nl: artikel product producten spullen materiaal materialen stof
period | en: month months monthly year years yearly annual annually week weeks weekly
     | es: mes meses mensual año años anual semana | fr: mois mensuel an ans année annuel semaine
     | de: monat monate monatlich jahr jährlich woche | pt: mês meses mensal ano anos anual semana
     | it: mese mesi mensile anno anni annuale settimana | nl: maand maanden maandelijks jaar jaarlijks week
comply | en: compliant compliance comply conform | es: cumple cumplen conforme cumplimiento
     | fr: conforme conformes conformité | de: konform konformität | pt: conforme conformidade
     | it: conforme conformi conformità | nl: conform naleving
website | en: website websites site sites webpage webshop | es: web sitio | fr: site web | de: website webseite seite
     | pt: site sítio | it: sito web | nl: website site webwinkel
footwear | en: boots boot shoes shoe sneakers trainers | es: botas bota zapatos zapatillas | fr: bottes chaussures baskets
     | de: stiefel schuhe wanderschuhe | pt: botas sapatos ténis tênis | it: stivali scarpe scarponi | nl: laarzen schoenen
jacket | en: jacket jackets coat coats | es: chaqueta chaquetas abrigo | fr: veste vestes manteau blouson
     | de: jacke jacken mantel | pt: jaqueta casaco | it: giacca giacche giubbotto cappotto | nl: jas jassen jack
customs | en: customs duties duty import tax taxes vat | es: aduana aduanas aranceles impuestos iva
     | fr: douane douanes droits taxes tva | de: zoll zölle einfuhr steuern mehrwertsteuer | pt: alfândega impostos taxas
     | it: dogana dazi tasse iva | nl: douane invoerrechten belasting btw
hosting | en: hosted hosting host server servers datacenter eu europe european | es: alojado alojamiento servidor servidores europa
     | fr: hébergé hébergement hébergées serveur serveurs europe | de: gehostet hosting server rechenzentrum eu europa
     | pt: hospedado hospedagem servidor servidores europa | it: ospitato hosting server europa | nl: gehost hosting server servers europa
instalment | en: instalment instalments installment installments split monthly-payments afterpay financing | es: plazos cuotas
     | fr: échelonné échelonnement mensualités | de: raten ratenzahlung teilzahlung | pt: parcelas parcelado parcelar
     | it: rate rateale | nl: termijnen gespreid
program | en: program programme scheme | es: programa | fr: programme | de: programm | pt: programa
     | it: programma | nl: programma
repair | en: repair repairs repaired fix mend | es: reparar reparación reparaciones arreglar arreglo
     | fr: réparer réparation réparations | de: reparieren repariert reparatur | pt: reparar reparo conserto consertar
     | it: riparare riparazione riparazioni | nl: repareren reparatie
join | en: join joining joined signup enrol enroll enrolment register registration
     | es: unirse únete inscribirse inscripción registrarse registro | fr: rejoindre adhérer adhésion inscrire inscription
     | de: beitreten registrieren registrierung | pt: aderir inscrever inscrição registrar registo cadastro
     | it: iscriversi iscrizione registrarsi aderire | nl: inschrijven registreren aansluiten
money | en: money cash | es: dinero | fr: argent | de: geld | pt: dinheiro | it: soldi denaro | nl: geld
'''

# Phrases read as a concept (the matched words are consumed). Per language; '*' applies to every language.
_PHRASES = {
    'en': [(r'\bhow much\b', 'cost'), (r'\b(do|will|would|must|should) (i|we) (have to |need to )?pay (for|to)\b', 'cost'), (r'\bwhat (time|hours?)\b', 'hours'), (r'\bmoney\b(\s+\w+){0,3}?\s+back\b', 'refund'),
           (r'\b(send|bring|give|ship|take)\s+(\w+\s+){0,2}back\b', 'return'), (r'\b(log|sign)[\s-]?(in|on)\b', 'login'), (r'\bsign(ing|ed)?[\s-]?up\b', 'join'),
           (r"\bwhere(?:'s|s| is| are)\s+(?:my|the|it|our)\b", 'where'), (r"\bwhere(?=\s+(?:my|the|our)\s+\w+\s+(?:is|are)\b)", 'where'),
           (r"\b(hasn'?t|has not|have not|haven'?t|didn'?t|did not|never|not|still not)\s+(arrived|come|shown up|"
            r"received|got here|get|got|receive)\b", 'where'), (r'\bcustomer (service|support|care)\b', 'contact'),
           (r'\b(get in touch|reach out|reach you|talk to you|contact you)\b', 'contact'),
           (r'\bset(ting)?[\s-]?up\b', 'install'), (r'\b(get|gets|getting|be) (here|to me|to us)\b|\breach (me|us)\b', 'duration'),
           (r"\bwhen(?:'s|s)?\b(?=[\w\s']{0,30}?\b(coming|come|arrive|arriving|delivered)\b)", 'duration'),
           (r'\b(eco|environment(ally)?|planet|climate)[\s-]?friendly\b', 'sustainable'),
           (r'\b(lost|missing|stuck|delayed)\b', 'where'),
           (r'\b(has|have|did|was|were|is)\s+(my|the|our|it|they)\b[\w\s]{0,20}\b(shipped|dispatched|sent|left|gone out)\b', 'track')],
    'es': [(r'\b(a )?qu[eé] hora', 'hours'), (r'\bmi dinero\b', 'refund'),
           (r'\bdevolver\w*\s+(el|mi)\s+dinero\b', 'refund'),
           (r'\bd[oó]nde (est[aá]n?|anda|va) (mi|mis|el|la|los|las)\b', 'where'),
           (r'\bno (me )?(ha|han) llegado\b|\bno (me )?llega\b|\bsin llegar\b', 'where'),
           (r'\bcu[aá]nto (pago|hay que pagar|se paga|tengo que pagar)\b', 'cost'), (r'\biniciar sesi[oó]n\b', 'login'), (r'\b(perdido|extraviado|retrasado)\b', 'where'), (r'\b(atenci[oó]n|servicio) al cliente\b', 'contact')],
    'fr': [(r'\b(à |a )?quelle heure\b', 'hours'), (r'\ben (plusieurs|deux|trois|3|4) fois\b', 'instalment'), (r'\bmots? de passe\b', 'password'),
           (r'\bo[uù] (est|en est|sont|en sont) (mon|ma|mes|le|la|les)\b', 'where'),
           (r'\bpas (encore )?(reçu|recu|arrivée?s?)\b', 'where'), (r'\bmon argent\b', 'refund'),
           (r'\bcombien (je paie|je paye|dois-je payer|faut-il payer)\b', 'cost'), (r'\bse connecter\b', 'login'), (r'\b(perdu|égaré|egare|en retard)\b', 'where'), (r'\bservice (client|clients|clientèle)\b', 'contact')],
    'de': [(r'\bum wie ?viel uhr\b', 'hours'), (r'\b(kommt|kommen)\b(?=.*\ban\b)', 'duration'), (r'\bwo (ist|sind|bleibt|bleiben) (mein|meine|die|das|der)\b', 'where'),
           (r'\bwie ?viel (zahle|bezahle|muss ich (be)?zahlen)\b', 'cost'), (r'\bgeld zur[uü]ck\b', 'refund'), (r'\b(setze|setzt|setzen)\b(?=.*\bzur[uü]ck)', 'reset'), (r'\bnoch nicht (angekommen|da|erhalten|geliefert)\b', 'where'), (r'\bf[aä]ll(t|en)\b(?=.*\baus\b)', 'size'),
           (r'\b(verloren|verschwunden|versp[aä]tet)\b', 'where')],
    'pt': [(r'\bque horas\b', 'hours'), (r'\bonde (est[aá]|est[aã]o|anda) (o|a|os|as|meu|minha|meus|minhas)\b', 'where'),
           (r'\bquanto (pago|tenho que pagar)\b', 'cost'), (r'\bdinheiro de volta\b|\bmeu dinheiro\b', 'refund'), (r'\bn[aã]o chegou\b', 'where'), (r'\b(perdido|extraviado|atrasado)\b', 'where'),
           (r'\b(atendimento|servi[cç]o) (ao|de atendimento ao) cliente\b', 'contact')],
    'it': [(r'\ba che ora\b', 'hours'), (r"\bdov'?\s?[eè] (il|la|lo|i|le|mio|mia)\b", 'where'),
           (r'\bdove (sono|si trova) (il|la|i|le|mio|mia|miei|mie)\b', 'where'),
           (r'\bquanto (pago|devo pagare)\b', 'cost'), (r'\bsoldi indietro\b', 'refund'), (r'\b(servizio|assistenza) clienti\b', 'contact'), (r'\bnon [eè] (ancora )?arrivat', 'where'),
           (r'\b(perso|smarrito|in ritardo)\b', 'where')],
    'nl': [(r'\bhoe laat\b', 'hours'), (r'\bwaar (is|zijn|blijft|blijven) (mijn|de|het)\b', 'where'),
           (r'\bhoeveel (betaal|moet ik betalen)\b', 'cost'), (r'\bgeld terug\b', 'refund'), (r'\bniet (aangekomen|ontvangen|binnen|geleverd)\b', 'where'),
           (r'\b(kwijt|verloren|vertraagd)\b', 'where')],
}

# Common words that say little about what is asked ("show up at my door", "the usual window", "sizing
# advice"): a word of this list the KB never uses weighs GENERIC_WEIGHT of an unknown word instead of the
# full weight, so a paraphrase is not sunk by its everyday words, while a distinctive word the KB never
# uses ("carrier", "backpack", "newsletter") still counts in full against every entry.
_GENERIC_TEXT = {
    'en': '''up out through over off away back down door doorstep home house window usual typical typically
        normal average roughly approximately approx exact precise advice info details detail tip tips include
        includes included including expect expected expecting leave leaving left arrive wait waiting hurry
        urgent asap quick question questions issue issues problem problems matter help helpful friend friends
        family wife husband mom mum dad son daughter kids day days week weeks minute minutes hour hours today
        tonight morning afternoon evening weekend yesterday tomorrow monday tuesday wednesday thursday friday
        saturday sunday new old same different another other right wrong correct big small
        color colour colors colours style model version option work works working worked fine ok great nice
        bad happy unhappy sad live lives living please still yet already again soon later early late earlier much little lot
        place placed made make makes making show shows showed shown hey hi hello guys trip holiday holidays
        vacation birthday christmas wedding event party customer customers online threshold minimum maximum wear wearing wore last previous recent recently number numbers estimated
        estimate approximate''',
    'es': '''casa puerta normal normalmente aproximadamente más menos día días semana semanas hoy mañana
        tarde noche pasado pasada último última número cliente clientes usan usar usa estándar todavía aún ya ayuda problema pregunta consulta duda favor nuevo nueva viejo mismo misma
        otro otra diferente color colores modelo funciona funcionar hola gracias gusta gustó gustado''',
    'fr': '''maison porte normal normalement environ jour jours semaine semaines aujourd hui demain soir matin
        dernier dernière dernièrement numéro client clients utilisez utiliser dessus dessous toujours encore déjà aide problème question nouveau nouvelle même autre différent couleur couleurs
        modèle marche fonctionne bonjour merci plu aime aimé''',
    'de': '''haus tür normal normalerweise ungefähr etwa tag tage woche wochen heute morgen abend immer noch
        letzte letzten letzter vorige nummer kunde kunden verwendet verwenden benutzt innerhalb brauche braucht brauchen mehr schon hilfe problem frage neu neue gleich gleiche andere anderen farbe farben modell
        funktioniert funktionieren geht gegangen hinzu dabei gefällt gefallen''',
    'pt': '''casa porta normal normalmente aproximadamente dia dias semana semanas hoje amanhã noite passado passada última número cliente clientes usam usar ainda
        ajuda problema pergunta novo nova mesmo mesma outro outra diferente cor cores modelo funciona gostei gosto''',
    'it': '''casa porta normale normalmente circa giorno giorni settimana settimane oggi domani sera scorso scorsa ultima numero cliente clienti usate usare ancora
        già aiuto problema domanda nuovo nuova stesso stessa altro altra diverso colore colori modello
        funziona piace piaciuto''',
    'nl': '''huis deur normaal normaal gesproken ongeveer dag dagen week weken vandaag morgen avond vorige afgelopen laatste nummer klant klanten gebruiken gebruikt nog steeds
        al hulp probleem vraag nieuw nieuwe zelfde andere kleur kleuren model werkt bevalt''',
}


@functools.lru_cache(maxsize=None)
def _generic_stems(lang):
    words = _GENERIC_TEXT.get(lang, '').split()
    return frozenset({language_mod.stem(w, lang) for w in words} | {language_mod.strip_accents(w) for w in words})


# Scoring constants, chosen on the dev questions of benchmarks/data/answers (never on held-out).
EXACT, CROSS, CONCEPT, IN_ANSWER, TYPO = 1.0, 0.85, 0.85, 0.65, 0.85   # how much a matched word counts
P_EXP, R_BASE, R_EXP = 1.5, 0.6, 0.5          # score = precision**P_EXP * (R_BASE + (1 - R_BASE) * recall**R_EXP)
ANSWER_ONLY = 0.40                            # the answer alone: ANSWER_ONLY * precision**P_EXP (exact words)
ANSWER_DF = 0.5                               # an entry with a word only in its answer counts half for IDF
UNKNOWN_CONCEPT, UNKNOWN_WORD = 1.0, 1.0      # factors on the IDF of words the KB never uses
GENERIC_WEIGHT = 0.25                         # ... and of a common word (_GENERIC) the KB never uses
CONCEPT_CAP = True                            # a word weighs halfway between its IDF and its concept's if lower
GENERIC_CONCEPTS = frozenset(['period', 'team', 'contact'])      # concepts that weigh like common words when the KB lacks them
OBJECT_CONCEPTS = frozenset(['order', 'product', 'footwear', 'jacket', 'policy', 'method', 'guide', 'program'])
OBJECT_ONLY = 0.5                             # confidence factor for a message of such words only
OBJECT_WEIGHT = 0.5                           # words naming the thing or the frame (policy, method) weigh less
OTHER_LANGUAGE = 0.85                         # a phrasing in another language, when the KB has some in this one
RUNNER_UP = 0.2                               # confidence -= RUNNER_UP * the best other entry's score
MAX_CLAUSES = 4                               # question clauses read on their own, at most
CLAUSE, CLAUSE_MIN_TERMS = 0.85, 2            # a clause of a run-on message: its score counts CLAUSE
CROSS_LANGUAGE_MIN = 0.4                      # a cross-language answer must score this (and the threshold)
_WHERE_OBJECTS = frozenset(['order', 'ship', 'product', 'track'])


@functools.lru_cache(maxsize=None)
def _lexicon():
    """({lang: [(word, concept)]}, {lang: {raw word: concepts}}, {raw word: languages}): no stemming,
    which is done per language on first use (_lexicon_stems) to keep the first message fast."""
    words_by_lang, raw, vocab = {}, {}, {}
    for block in re.split(r'\n(?=\S)', _LEXICON.strip()):
        concept, _, rest = block.partition('|')
        concept = concept.strip()
        for part in rest.split('|'):
            lang, _, words = part.partition(':')
            lang = lang.strip()
            for w in words.split():
                w = w.lower()
                words_by_lang.setdefault(lang, []).append((w, concept))
                for form in {w, language_mod.strip_accents(w)}:
                    raw.setdefault(lang, {}).setdefault(form, set()).add(concept)
                    if len(form) >= 4:
                        vocab.setdefault(form, set()).add(lang)
    freeze = lambda d: {k: frozenset(v) for k, v in d.items()}
    # Language evidence: words of the other languages (an English-only word is often a brand: PayPal, Visa).
    vocab = {w: frozenset(ls) for w, ls in vocab.items() if ls != {DEFAULT_LANG}}
    return words_by_lang, {l: freeze(d) for l, d in raw.items()}, vocab


@functools.lru_cache(maxsize=None)
def _lexicon_stems(lang):
    """{stem: frozenset(concepts)} for the lexicon's words in `lang`."""
    stems = {}
    for w, concept in _lexicon()[0].get(lang, ()):
        stems.setdefault(language_mod.stem(w, lang), set()).add(concept)
    return {k: frozenset(v) for k, v in stems.items()}


@functools.lru_cache(maxsize=None)
def _phrases(lang):
    return [(re.compile(p, re.UNICODE), c) for p, c in _PHRASES.get(lang, [])]


@functools.lru_cache(maxsize=4096)
def detect_language(text):
    """The visitor's language (en, es, fr, de, pt, it, nl) or None when unsure, the lexicon helping."""
    return language_mod.detect(text, vocab=_lexicon()[2])


@dataclass(frozen=True)
class Term:
    stem: str
    concepts: frozenset
    typo: bool = False
    raw: str = ''           # the word as written, lower case without accents (brand names survive stemming)
    generic: bool = False   # a common word that says little about the topic (_GENERIC)


def _deletes(word):
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@functools.lru_cache(maxsize=8192)
def _compound(word, lang):
    """German and Dutch compounds: the known words a long word starts and ends with, as
    ((part, concepts), ...): 'versandkosten' -> (('versand', {ship}), ('kosten', {cost}))."""
    if lang not in ('de', 'nl') or len(word) < 8:
        return ()
    raw = _lexicon()[1].get(lang, {})
    head = max((w for w in raw if len(w) >= 4 and word.startswith(w)), key=len, default=None)
    tail = max((w for w in raw if len(w) >= 4 and word.endswith(w) and w != word), key=len, default=None)
    parts = []
    if head:
        parts.append((head, raw[head]))
    if tail and (not head or len(head) + len(tail) <= len(word) + 1):
        parts.append((tail, raw[tail]))
    return tuple(parts)


def analyse(text, lang):
    """The terms of `text` read as language `lang`: stems without stop words, with their concepts."""
    return list(_analyse(text or '', lang))


@functools.lru_cache(maxsize=8192)     # entries' texts come back every time the KB is read again
def _analyse(text, lang):
    text = unicodedata.normalize('NFC', (text or '').lower())
    terms = []
    for regex, concept in _phrases(lang):
        if regex.search(text):
            text = regex.sub(' ', text)
            terms.append(Term('#' + concept, frozenset([concept])))
    stop = language_mod.STOPWORDS.get(lang, frozenset())
    lex = _lexicon_stems(lang)
    raw_lex = _lexicon()[1].get(lang, {})
    for word in re.findall(r'[^\W\d_]+', text):      # numbers say little about the topic: left out
        if len(word) < 2 or len(word) > 30 or ((word in stop or language_mod.strip_accents(word) in stop)
                             and language_mod.strip_accents(word) not in raw_lex):    # the lexicon wins
            continue
        s = language_mod.stem(word, lang)
        plain = language_mod.strip_accents(word)
        # The word as written first: two words of a language can share a stem ("pays" country, "payer" to
        # pay: 'pay'); then an English word in another language's message ("Apple Pay", "tracking"); then
        # the stem.
        concepts = (raw_lex.get(word) or raw_lex.get(plain)
                    or (lang != DEFAULT_LANG and _lexicon()[1].get(DEFAULT_LANG, {}).get(plain))
                    or lex.get(s)
                    or (len(plain) > 3 and plain[-1] == 's' and raw_lex.get(plain[:-1])))   # "Abos", "perks"
        if concepts and s not in lex and len(plain) > 3 and plain[-1] == 's' and raw_lex.get(plain[:-1]):
            s = language_mod.stem(plain[:-1], lang)
        parts = () if concepts else _compound(plain, lang)
        if parts:
            terms.append(Term(s, parts[0][1], raw=plain))
            terms.extend(Term(language_mod.stem(w, lang), c, raw=w) for w, c in parts[1:])
        else:
            terms.append(Term(s, concepts or frozenset(), raw=plain,
                              generic=not concepts and (s in _generic_stems(lang) or plain in _generic_stems(lang))))
    # "where is my ..." and "hasn't arrived" ask where a parcel is only if they are about an order or a
    # delivery ("where is my package?", "where is it?"); "where is my data stored?", "my refund hasn't
    # come through" are not about tracking.
    where = [t for t in terms if t.stem == '#where']
    if where:
        others = [t for t in terms if t.stem != '#where']
        if not others or any(t.concepts & _WHERE_OBJECTS for t in others):
            others.append(Term('#track', frozenset(['track'])))
        terms = others
    return tuple(terms)


def tokens(text, lang=DEFAULT_LANG):
    """The stems of `text` without stop words (English unless told): 'boxes shipped' -> ['box', 'ship']."""
    return [t.stem for t in analyse(text, lang) if not t.stem.startswith('#')]


# ---- index ------------------------------------------------------------------------------------------

class _Phrasing:
    __slots__ = ('text', 'lang', 'stems', 'raws', 'concepts', 'terms', 'entry', 'is_answer', 'weights')

    def __init__(self, text, lang, entry, is_answer=False):
        self.text, self.lang, self.entry, self.is_answer = text, lang, entry, is_answer
        self.terms = analyse(text, lang)
        self.stems = {t.stem for t in self.terms}
        self.raws = {t.raw for t in self.terms if t.raw}
        self.concepts = set().union(*(t.concepts for t in self.terms)) if self.terms else set()
        self.weights = None      # its terms' weights in its KB, on first use


class _Index:
    """Everything about a knowledge base that does not depend on the message, built once per KB."""

    def __init__(self, entries):
        self.entries = list(entries)
        self.phrasings = []      # per entry: [question, alternates...]
        self.answers = []        # per entry: the answer as a phrasing
        self.answer_lang = []
        detect = detect_language
        for e in self.entries:
            qlang = e.lang or detect(e.question) or DEFAULT_LANG
            alang = e.lang or detect(e.answer) or qlang
            ps = [_Phrasing(e.question, qlang, e)]
            for alt in e.alternates:
                if alt and alt.strip():
                    ps.append(_Phrasing(alt, detect(alt) or e.lang or qlang, e))
            self.phrasings.append(ps)
            self.answers.append(_Phrasing(e.answer, alang, e, is_answer=True))
            self.answer_lang.append(alang)
        self.langs = Counter(p.lang for ps in self.phrasings for p in ps)
        self.entry_langs = [{p.lang for p in ps} | {al} for ps, al in zip(self.phrasings, self.answer_lang)]
        self.main_lang = (Counter(self.answer_lang).most_common(1)[0][0] if self.answer_lang else DEFAULT_LANG)
        n = len(self.entries)
        # Document frequency: an entry whose questions use a word counts 1, one that has it only in its
        # answer counts ANSWER_DF (answers mention many things in passing).
        df = Counter()
        for ps, a in zip(self.phrasings, self.answers):
            in_q = set()
            for p in ps:
                in_q |= p.stems | {'#' + c for c in p.concepts}
            in_a = (a.stems | {'#' + c for c in a.concepts}) - in_q
            for f in in_q:
                df[f] += 1.0
            for f in in_a:
                df[f] += ANSWER_DF
        self.idf = {f: math.log((n + 1) / (c + 0.5)) + 1.0 for f, c in df.items()}
        self.idf_unknown = math.log((n + 1) / 0.5) + 1.0
        self.idf_rare = math.log((n + 1) / 1.5) + 1.0
        self.postings = {}       # feature -> entry indexes
        for i, (ps, a) in enumerate(zip(self.phrasings, self.answers)):
            for p in ps + [a]:
                for f in p.stems | {'#' + c for c in p.concepts}:
                    self.postings.setdefault(f, set()).add(i)
        self.known_stems = {f for f in df if not f.startswith('#')}
        self._typo = {}

    def weight(self, term):
        """IDF of the term in the KB. A word the KB never uses weighs like its rarest words; one the
        lexicon knows as a customer-service concept the KB never mentions ("privacy") weighs more.
        Words naming the thing (order, parcel, jacket, item) weigh less than what is asked about it."""
        w = self._weight(term)
        return w * OBJECT_WEIGHT if term.concepts and term.concepts <= OBJECT_CONCEPTS else w

    def _weight(self, term):
        if term.generic:                     # "placed", "new": little about the topic, even if the KB uses it
            return min(self.idf.get(term.stem, self.idf_rare), self.idf_rare) * GENERIC_WEIGHT
        known = [self.idf['#' + c] for c in term.concepts if '#' + c in self.idf]
        if term.stem in self.idf:
            # halfway to its concept: "quand" in one French alternate says little more than "when" anywhere
            w = self.idf[term.stem]
            return (w + min(known)) / 2 if known and CONCEPT_CAP and min(known) < w else w
        if known:
            return min(known)
        if term.concepts and not term.concepts <= GENERIC_CONCEPTS:
            return self.idf_unknown * UNKNOWN_CONCEPT
        if term.concepts:                    # "last week" in a shop's KB that never speaks of periods
            return self.idf_rare * GENERIC_WEIGHT
        return self.idf_rare * (GENERIC_WEIGHT if term.generic else UNKNOWN_WORD)

    def typo_index(self, lang):
        """deletion variant -> {(form, stem)}: the stems and the words as written of the KB's phrasings and
        answers in `lang`, of the lexicon in `lang`, and of the stop words of `lang` (stem None)."""
        if lang not in self._typo:
            index = {}
            pairs = set()
            for p in [p for ps in self.phrasings for p in ps] + self.answers:
                if p.lang == lang:
                    pairs |= {(t.stem, t.stem) for t in p.terms if not t.stem.startswith('#')}
                    pairs |= {(t.raw, t.stem) for t in p.terms if t.raw and not t.stem.startswith('#')}
            for w, _ in _lexicon()[0].get(lang, ()):
                st = language_mod.stem(w, lang)
                pairs |= {(st, st), (language_mod.strip_accents(w), st)}
            for w in language_mod.STOPWORDS.get(lang, ()):
                pairs.add((language_mod.strip_accents(w), None))
            for form, st in pairs:
                if len(form) >= 3:
                    for d in _deletes(form) | {form}:
                        index.setdefault(d, set()).add((form, st))
            self._typo[lang] = index
        return self._typo[lang]

    def correct(self, terms, lang):
        """A word the KB does not know, one plausible typo away from a word it uses (in a question, an
        alternate or an answer), is read as that word ("shiping", "retrun", "pricng"); a typo'd stop word
        is dropped. Plausible for its length: nothing under 4 letters, only two swapped letters at 4 ("hwat",
        but not "hire" -> "hike"), one edit at 5 to 7 letters, two from 8 (over 20: not a word)."""
        lex = _lexicon_stems(lang)
        out = []
        for t in terms:
            if (t.stem.startswith('#') or t.concepts or t.generic or t.stem in self.idf or len(t.stem) < 4
                    or len(t.raw or t.stem) > 20):       # not a word: no typo to correct
                out.append(t)
                continue
            prefix = next((t.stem[:k] for k in range(len(t.stem) - 1, 5, -1) if t.stem[:k] in self.idf), None)
            if prefix and len(t.stem) - len(prefix) <= 2:      # "subscripton" -> "subscript"
                out.append(Term(prefix, lex.get(prefix, frozenset()), typo=True, raw=t.raw))
                continue
            index = self.typo_index(lang)
            best = None
            size = len(t.raw or t.stem)         # plausible edits depend on the word as written
            limit = 2 if size >= 8 else 1
            for word in (t.raw or t.stem,):
                if len(word) < 4:
                    continue
                found = set()
                for d in _deletes(word) | {word}:
                    found |= index.get(d, set())
                for form, st in found:
                    if form[0] != word[0] or form == word:
                        continue
                    dist = _edits(word, form)
                    if dist > limit or (size <= 4 and not _swapped(word, form)):
                        continue
                    if st is not None and st not in self.idf:
                        continue            # only to a word of the KB ("verwendet" is not "versendet")
                    key = (dist, st is None, abs(len(form) - len(word)), form)
                    if best is None or key < best[0]:
                        best = (key, st)
            if best is None:
                out.append(t)
            elif best[1] is None:
                continue                    # a typo'd stop word
            else:
                out.append(Term(best[1], lex.get(best[1], frozenset()), typo=True, raw=t.raw))
        return out


def _swapped(a, b):
    """Two adjacent letters swapped."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _edits(a, b):
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


@functools.lru_cache(maxsize=16)
def _index(entries):
    return _Index(entries)


def _match(term, p, query_lang, exact_only=False):
    """How well phrasing `p` contains `term`: 1, 0.85 (concept, or same word in another language), 0."""
    same = p.lang == query_lang
    if term.stem in p.stems and (same or term.stem.startswith('#')):
        m = EXACT
    elif exact_only:
        return 0.0
    elif term.stem in p.stems or (term.raw and term.raw in p.raws):
        m = CROSS
    elif term.concepts and not term.concepts.isdisjoint(p.concepts):
        m = EXACT if term.stem.startswith('#') else CONCEPT
    else:
        return 0.0
    return m * (TYPO if term.typo else 1.0)


def _precision(qterms, weights, p, answer, query_lang, exact_only=False):
    """The share of the message's weight that phrasing `p` (or, discounted, its answer) explains."""
    total = sum(weights)
    got = 0.0
    for t, w in zip(qterms, weights):
        m = _match(t, p, query_lang, exact_only)
        if m < 1.0 and answer is not None:
            m = max(m, IN_ANSWER * _match(t, answer, query_lang))
        got += w * m
    return got / total if total else 0.0


def _score(qterms, weights, p, answer, query_lang, idx, qstems, qconcepts):
    precision = _precision(qterms, weights, p, answer, query_lang)
    if not p.terms:
        return 0.0
    if p.weights is None:
        p.weights = [idx.weight(u) for u in p.terms]
    pw = covered = 0.0
    for u, w in zip(p.terms, p.weights):
        pw += w
        if u.stem in qstems:
            covered += w * (EXACT if p.lang == query_lang else CROSS)
        elif u.concepts and not u.concepts.isdisjoint(qconcepts):
            covered += w * CONCEPT
    recall = covered / pw if pw else 0.0
    return precision ** P_EXP * (R_BASE + (1 - R_BASE) * recall ** R_EXP)


_CLAUSE_SPLIT = re.compile(
    r'([.!?;:\n]+|,\s+|\s+-+\s+|\s+(?:and|but|because|so|also|y|pero|porque|et|mais|car|parce que|und|aber|weil|denn|'
    r'e|mas|ma|perché|perche|en|maar|omdat|want)\s+)', re.IGNORECASE | re.UNICODE)
_QUESTION_WORDS = frozenset('''how what when where which why can could do does will would wondering
    cómo como qué que cuándo cuando dónde donde cuál cuanto cuánto cuánta cuántos puedo pueden podría
    comment quand où quel quelle quels quelles combien puis pouvez peut
    wie was wann wo welche welcher welches kann können könnt gibt
    quando onde qual quais quanto posso pode podem
    come dove quale quali quanto posso può potete
    hoe wat wanneer waar welke welk kan kunnen'''.split())


def _clauses(text, lang):
    """The question clauses of a message of several clauses: each clause that ends with '?' or has a
    question word, and at least CLAUSE_MIN_TERMS terms ([] for a message of one clause)."""
    if not text or len(text) < 30:
        return []
    pieces = _CLAUSE_SPLIT.split(text)
    clauses = [(pieces[k].strip(), pieces[k + 1] if k + 1 < len(pieces) else '') for k in range(0, len(pieces), 2)]
    clauses = [(c, sep) for c, sep in clauses if c]
    if len(clauses) < 2:
        return []
    out = []
    for c, sep in clauses:
        asks = '?' in sep or not _QUESTION_WORDS.isdisjoint(language_mod.words(c))
        if asks and len(analyse(c, lang or DEFAULT_LANG)) >= CLAUSE_MIN_TERMS:
            out.append(c)
    return out[:MAX_CLAUSES]


def _names_no_topic(text, idx, lang):
    """Are all the message's terms words naming the thing or the frame (order, policy, terms)?"""
    terms = idx.correct(analyse(text, lang), lang)
    return bool(terms) and all(t.concepts and t.concepts <= OBJECT_CONCEPTS for t in terms)


def _rank(text, idx, visitor_lang):
    """(score, entry index, phrasing, reading language) of the best phrasing, {entry index: its best score},
    and the languages the message was read as."""
    if visitor_lang:
        candidates = [visitor_lang]
    else:   # unsure: read the message as each language the KB is written in and the two likeliest
        #     languages of the message, keep the best reading
        candidates = [l for l, _ in idx.langs.most_common(3)] or [DEFAULT_LANG]
        guesses = sorted(language_mod.scores(text, _lexicon()[2]).items(), key=lambda kv: -kv[1])[:2]
        candidates += [l for l, v in guesses if v >= 0.5 and l not in candidates]
    best = (0.0, None, None, None)        # score, entry index, phrasing, reading language
    per_entry = {}
    for lang in candidates:
        qterms = idx.correct(analyse(text, lang), lang)
        if not qterms:
            continue
        weights = [idx.weight(t) for t in qterms]
        qstems = {t.stem for t in qterms}
        qconcepts = set().union(*(t.concepts for t in qterms))
        hits = set()
        for t in qterms:
            hits |= idx.postings.get(t.stem, set())
            for c in t.concepts:
                hits |= idx.postings.get('#' + c, set())
        for i in sorted(hits):
            answer_p = idx.answers[i]
            for p in idx.phrasings[i] + [answer_p]:
                if p is answer_p:   # the answer alone: what share of the message it explains, discounted
                    s = ANSWER_ONLY * _precision(qterms, weights, p, None, lang, exact_only=True) ** P_EXP
                else:
                    s = _score(qterms, weights, p, answer_p, lang, idx, qstems, qconcepts)
                if p.lang != lang and lang in idx.langs:
                    s *= OTHER_LANGUAGE      # the KB has phrasings in this language: prefer them
                if visitor_lang and visitor_lang not in idx.entry_langs[i]:
                    s *= 0.97               # an entry in the visitor's language wins a near tie
                if s > per_entry.get(i, 0.0):
                    per_entry[i] = s
                if s > best[0] + 1e-9 or (abs(s - best[0]) <= 1e-9 and best[1] is not None
                                           and idx.entries[i].id < idx.entries[best[1]].id):
                    best = (s, i, p, lang)      # ties go to the smaller id: entry order does not matter
    return best, per_entry, candidates


class KnowledgeBaseResponder:
    """Picks the entry whose question or alternates (and, weighted lower, answer) best explain the message."""

    def __init__(self, threshold=0.35, cross_language=True, cross_language_min=CROSS_LANGUAGE_MIN):
        self.threshold = threshold
        self.cross_language = cross_language
        self.cross_language_min = cross_language_min

    def answer(self, text, entries, threshold=None, transcript=()):
        threshold = self.threshold if threshold is None else threshold
        visitor_lang = detect_language(text) if text and text.strip() else None
        if not entries:
            return BotAnswer(fallback(visitor_lang), 0.0, lang=visitor_lang or DEFAULT_LANG, visitor_lang=visitor_lang,
                             reason='empty')
        idx = _index(tuple(entries))
        best, per_entry, candidates = _rank(text, idx, visitor_lang)
        # A run-on message ("I ordered a jacket last week and I was wondering how long shipping takes
        # because I need it for a trip") is also read question clause by question clause, a clause
        # counting CLAUSE of its score: the question is often one clause among the story around it.
        for clause in _clauses(text, visitor_lang):
            c_best, c_entry, _ = _rank(clause, idx, visitor_lang)
            for k, v in c_entry.items():
                if CLAUSE * v > per_entry.get(k, 0.0):
                    per_entry[k] = CLAUSE * v
            if CLAUSE * c_best[0] > best[0] + 1e-9:
                best = (CLAUSE * c_best[0],) + tuple(c_best[1:])
        score, i, p, lang = best
        if i is not None and _names_no_topic(text, idx, lang):
            score *= OBJECT_ONLY     # "where are your terms and conditions?": frame words only, no topic
        # Two entries close together: the message is probably about neither exactly ("can I return an item
        # bought elsewhere" between returns and exchanges); the runner-up lowers the confidence.
        runner_up = max((v for k, v in per_entry.items() if k != i), default=0.0)
        score = round(max(0.0, min(score, 1.0) - RUNNER_UP * runner_up), 3)
        if i is not None and score >= threshold:
            entry = idx.entries[i]
            if (visitor_lang or lang) in idx.entry_langs[i]:
                return BotAnswer(entry.answer, score, entry.id, lang=idx.answer_lang[i], visitor_lang=visitor_lang,
                                 matched=p.text, reason='answered')
            if self.cross_language and score >= self.cross_language_min:
                note = cross_language_note(visitor_lang or lang, idx.answer_lang[i])
                return BotAnswer('%s %s' % (note, entry.answer), score, entry.id, lang=visitor_lang,
                                 visitor_lang=visitor_lang, matched=p.text, reason='cross_language')
        matched = p.text if p is not None else None
        if visitor_lang and visitor_lang not in idx.langs and visitor_lang not in idx.answer_lang:
            kb_langs = set(idx.answer_lang) | set(idx.langs)
            return BotAnswer(unsupported_language(visitor_lang, kb_langs), score, lang=visitor_lang,
                             visitor_lang=visitor_lang, matched=matched, reason='unsupported_language')
        fb_lang = visitor_lang or (DEFAULT_LANG if DEFAULT_LANG in idx.langs else idx.main_lang)
        return BotAnswer(fallback(fb_lang), score, lang=fb_lang, visitor_lang=visitor_lang, matched=matched,
                         reason='empty' if not any(analyse(text, l) for l in candidates) else 'no_match')
