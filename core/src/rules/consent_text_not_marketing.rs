//! `consent.text_not_marketing`: the consent wording describes only service
//! messages (orders, delivery, shipping, returns, bookings, appointments,
//! account, support, receipts) and names no marketing purpose (offers, news,
//! promotions, discounts, newsletter…). Read in English, Spanish, German,
//! French, Italian and Portuguese.
//!
//! Why: numbers collected for order updates, delivery, returns or customer
//! support only are the first thing a WhatsApp import review rejects:
//! consent to service messages is not consent to marketing.
//!
//! Example: `opt_in_text = "Send me Acme order and delivery updates on WhatsApp"`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule};
use crate::code::Code;
use crate::profile::Role;
use std::cell::RefCell;
use std::collections::HashMap;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentTextNotMarketing,
    fix: Fix::same(
        "Import only contacts whose opt-in wording named marketing (offers, news, promotions); ask the others for marketing consent first.",
    ),
    needs: Needs::Role(Role::OptInText),
    check: Check::Row(check),
};

/// Words of service messages. A trailing `*` matches any word starting so
/// (`deliver*`: delivery, delivered); others match the whole word.
const SERVICE: &[&str] = &[
    // English
    "order*",
    "deliver*",
    "shipping",
    "shipment*",
    "shipped",
    "dispatch*",
    "return",
    "returns",
    "refund*",
    "booking*",
    "appointment*",
    "reservation*",
    "account",
    "accounts",
    "support",
    "receipt*",
    "invoice*",
    "tracking",
    "transactional",
    "service",
    // Spanish and Portuguese
    "pedido*",
    "entrega*",
    "envío*",
    "envio*",
    "devolución*",
    "devolucion*",
    "devolução*",
    "devolucao*",
    "reserva*",
    "cita",
    "citas",
    "agendamento*",
    "cuenta",
    "conta",
    "soporte",
    "suporte",
    "atendimento",
    "recibo*",
    "factura*",
    "fatura*",
    "seguimiento",
    "rastreamento",
    // German
    "bestellung*",
    "lieferung*",
    "versand*",
    "rücksendung*",
    "retoure*",
    "buchung*",
    "termin*",
    "konto",
    "kundendienst",
    "kundenservice",
    "rechnung*",
    "quittung*",
    "sendungsverfolgung",
    // French
    "commande*",
    "livraison*",
    "expédition*",
    "expedition*",
    "retour",
    "retours",
    "réservation*",
    "rendez",
    "compte",
    "assistance",
    "reçu*",
    "facture*",
    "suivi",
    // Italian
    "ordine*",
    "ordini",
    "consegna*",
    "consegne",
    "spedizion*",
    "reso",
    "resi",
    "prenotazion*",
    "appuntament*",
    "assistenza",
    "ricevuta*",
    "fattura*",
];

/// Words of marketing messages, matched like [`SERVICE`].
const MARKETING: &[&str] = &[
    // English
    "offer*",
    "news",
    "newsletter*",
    "promo*",
    "marketing",
    "deal",
    "deals",
    "discount*",
    "sale",
    "sales",
    "coupon*",
    "voucher*",
    "exclusive",
    "special",
    "launch*",
    "advert*",
    "campaign*",
    "recommendation*",
    // Spanish and Portuguese
    "oferta*",
    "noticia*",
    "notícia*",
    "novedad*",
    "novidade*",
    "promoción*",
    "promocion*",
    "promoção*",
    "promocao*",
    "descuento*",
    "desconto*",
    "rebaja*",
    "cupón*",
    "cupon*",
    "cupom*",
    "publicidad",
    "publicidade",
    "boletín*",
    "boletin*",
    // German
    "angebot*",
    "neuigkeit*",
    "aktion*",
    "werbung",
    "rabatt*",
    "gutschein*",
    "sonderangebot*",
    // French
    "offre*",
    "actualité*",
    "actualite*",
    "nouveauté*",
    "nouveaute*",
    "réduction*",
    "reduction*",
    "remise*",
    "solde*",
    "publicité*",
    "publicite*",
    // Italian
    "offert*",
    "novità",
    "novita",
    "notizi*",
    "promozion*",
    "sconto",
    "sconti",
    "saldi",
    "pubblicità",
];

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    // Contacts of other channels are set aside, not judged on their wording.
    if !ctx.imports(row) {
        return;
    }
    let Some(text) = row.role_text(ctx, Role::OptInText) else {
        return;
    };
    if service_only(text) {
        let i = ctx.field(Role::OptInText);
        out.error(
            Code::ConsentTextNotMarketing,
            i.and_then(|i| row.column(i)),
            "the consent wording describes only service messages (orders, delivery, support…), not marketing",
        );
    }
}

thread_local! {
    /// The answers for wordings this thread has judged: a list repeats a
    /// handful of consent sentences on every row, and cutting each row's
    /// into words took 6 % of a check in profiles.
    static JUDGED_WORDINGS: RefCell<HashMap<String, bool, foldhash::fast::RandomState>> =
        RefCell::default();
}

/// Wordings remembered per thread; a list of all-different wordings
/// starts over when it is full rather than growing.
const REMEMBERED_WORDINGS: usize = 1024;

/// Whether `text` names a service purpose and no marketing one.
fn service_only(text: &str) -> bool {
    JUDGED_WORDINGS.with(|judged| {
        let mut judged = judged.borrow_mut();
        if let Some(&answer) = judged.get(text) {
            return answer;
        }
        let answer = names_only_service(text);
        if judged.len() >= REMEMBERED_WORDINGS {
            judged.clear();
        }
        judged.insert(text.to_owned(), answer);
        answer
    })
}

/// [`service_only`], worked out: the cell is cut into lowercase words once
/// and both lists look at them.
fn names_only_service(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    names_any(&words, SERVICE) && !names_any(&words, MARKETING)
}

/// Whether one of `words` is one of `list` (see [`SERVICE`]).
fn names_any(words: &[String], list: &[&str]) -> bool {
    words.iter().any(|word| {
        list.iter().any(|w| match w.strip_suffix('*') {
            Some(stem) => word.starts_with(stem),
            None => word == w,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, list: &[&str]) -> bool {
        names_any(&[text.to_lowercase()], list)
    }

    #[test]
    fn service_wording_in_six_languages_is_not_marketing() {
        for text in [
            "Send me Acme order and delivery updates on WhatsApp",
            "Quiero recibir el seguimiento de mi pedido de Acme por WhatsApp",
            "Ja, informiert mich über meine Bestellung und Lieferung per WhatsApp",
            "Oui, envoyez-moi le suivi de ma commande Acme sur WhatsApp",
            "Sì, inviatemi aggiornamenti sulla spedizione del mio ordine su WhatsApp",
            "Sim, quero receber atualizações do meu pedido e entrega pelo WhatsApp",
        ] {
            assert!(service_only(text), "{text}");
            assert!(service_only(text), "remembered: {text}");
        }
    }

    #[test]
    fn marketing_wording_in_six_languages_passes_even_beside_service_words() {
        for text in [
            "Yes, send me Acme offers and order updates on WhatsApp",
            "Sí, quiero recibir ofertas y novedades de Acme por WhatsApp",
            "Ja, ich möchte Angebote und Neuigkeiten von Acme per WhatsApp",
            "Oui, je veux recevoir les offres et promotions Acme sur WhatsApp",
            "Sì, voglio ricevere offerte e novità di Acme su WhatsApp",
            "Sim, quero receber ofertas e promoções da Acme pelo WhatsApp",
            "Yes to WhatsApp messages from Acme",
        ] {
            assert!(!service_only(text), "{text}");
            assert!(!service_only(text), "remembered: {text}");
        }
    }

    #[test]
    fn remembered_answers_equal_worked_out_ones_past_the_limit() {
        for i in 0..3 * REMEMBERED_WORDINGS {
            let text = if i % 2 == 0 {
                format!("Order {i} updates")
            } else {
                format!("Order {i} offers")
            };
            assert_eq!(service_only(&text), names_only_service(&text), "{text}");
            assert_eq!(service_only(&text), i % 2 == 0, "{text}");
        }
    }

    #[test]
    fn words_match_whole_or_by_their_stem_only() {
        assert!(!names("resolves", SERVICE), "reso is a whole word");
        assert!(names("Delivered", SERVICE));
        assert!(!names("bordering", SERVICE), "order is a word start");
        assert!(
            service_only("Acme resolves your delivery"),
            "words are cut apart"
        );
    }
}
