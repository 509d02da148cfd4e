//! What the merchant sends with a list: the settings it was checked with
//! and the consent declaration (how contacts consented, the self-check
//! answers, the GDPR confirmation).

use crate::review::{ReviewKind, SelfCheckQuestion};
use listgate_core::CheckOptions;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The profile and options of one check: what the app's worker checked
/// with, and the `settings` part of a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// A built-in profile name.
    pub profile: String,
    /// The merchant's options, `now` included (core has no clock).
    #[serde(default)]
    pub options: CheckOptions,
}

/// What the merchant declares about consent: the `consent` form part. It is
/// stored and shown to reviewers as sent, so its shape and sizes are fixed;
/// any other field is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentDeclaration {
    /// How the contacts consented.
    pub consent: ConsentDetails,
    /// The merchant's answers to the profile's self-check questions.
    #[serde(default)]
    pub self_check: SelfCheck,
    /// Email profile: the merchant confirmed GDPR and profiling consent.
    #[serde(default)]
    pub gdpr_confirmed: bool,
    /// Numbers and addresses the tenant's opt-out list held back in the
    /// merchant's check in the browser (`consent.suppressed`; they are not
    /// in the clean file); none when that check had no opt-out list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_back_by_opt_outs: Option<u64>,
}

/// The self-check answers, by question; a question not answered is "no".
pub type SelfCheck = BTreeMap<SelfCheckQuestion, bool>;

impl ConsentDeclaration {
    /// Why this declaration cannot go with a list reviewed as `kind`: an
    /// answer to a question that review does not ask, or a missing GDPR
    /// confirmation. `None` when it can.
    pub fn refusal(&self, kind: ReviewKind) -> Option<String> {
        if let Some(question) = self
            .self_check
            .keys()
            .find(|q| !kind.self_check().contains(q))
        {
            let asked: Vec<&str> = kind.self_check().iter().map(|q| q.as_str()).collect();
            return Some(format!(
                "`self_check.{question}` is not asked for this profile; its questions are {}",
                asked.join(", ")
            ));
        }
        if kind.needs_gdpr_confirmation() && !self.gdpr_confirmed {
            return Some(
                "this profile needs `gdpr_confirmed`: confirm that every contact gave GDPR and profiling consent to marketing e-mail"
                    .into(),
            );
        }
        None
    }

    /// The self-check questions of `kind` the merchant did not answer "yes".
    pub fn unticked(&self, kind: ReviewKind) -> Vec<SelfCheckQuestion> {
        kind.self_check()
            .iter()
            .copied()
            .filter(|q| self.self_check.get(q) != Some(&true))
            .collect()
    }
}

/// How the contacts consented, in the merchant's words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentDetails {
    /// The exact wording the contacts agreed to.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub wording: DeclaredText<1, 2000>,
    /// Where they agreed (a URL, a shop, an event).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: DeclaredText<1, 500>,
    /// How consent was captured (a form, a checkbox at checkout…).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub capture_method: DeclaredText<0, 500>,
    /// How double opt-in works, if used.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub double_opt_in: DeclaredText<0, 500>,
}

/// Declared text of `MIN` to `MAX` characters (`MIN` counts non-blank ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct DeclaredText<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> DeclaredText<MIN, MAX> {
    /// The text as declared.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<String> for DeclaredText<MIN, MAX> {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let chars = text.chars().count();
        if chars > MAX {
            return Err(format!("{chars} characters; at most {MAX}"));
        }
        if text.trim().chars().count() < MIN {
            let plural = if MIN == 1 { "" } else { "s" };
            return Err(format!("needs at least {MIN} non-blank character{plural}"));
        }
        Ok(DeclaredText(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declaration(json: serde_json::Value) -> ConsentDeclaration {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn answers_and_confirmations_are_judged_by_the_profiles_review() {
        let sms = declaration(serde_json::json!({
            "consent": { "wording": "Texts from Acme", "source": "shop" },
            "self_check": { "wording_names_sms": true, "recent_subscribers": false }
        }));
        assert_eq!(sms.refusal(ReviewKind::Sms), None);
        assert_eq!(
            sms.unticked(ReviewKind::Sms),
            [
                SelfCheckQuestion::RecentSubscribers,
                SelfCheckQuestion::AgeOrBirthDate,
                SelfCheckQuestion::SmsCapableNumbers,
                SelfCheckQuestion::TimestampAndSource
            ]
        );
        assert!(
            sms.refusal(ReviewKind::Whatsapp)
                .unwrap()
                .contains("`self_check.wording_names_sms` is not asked")
        );
        let email = declaration(serde_json::json!({
            "consent": { "wording": "News by e-mail from Acme", "source": "shop" }
        }));
        assert!(
            email
                .refusal(ReviewKind::Email)
                .unwrap()
                .contains("gdpr_confirmed")
        );
        let confirmed = ConsentDeclaration {
            gdpr_confirmed: true,
            ..email
        };
        assert_eq!(confirmed.refusal(ReviewKind::Email), None);
    }

    #[test]
    fn unknown_questions_and_fields_are_refused() {
        let unknown = serde_json::from_value::<ConsentDeclaration>(serde_json::json!({
            "consent": { "wording": "x", "source": "y" },
            "self_check": { "looks_fine": true }
        }));
        assert!(unknown.is_err());
        let blank = serde_json::from_value::<ConsentDeclaration>(serde_json::json!({
            "consent": { "wording": " ", "source": "y" }
        }));
        assert!(blank.unwrap_err().to_string().contains("non-blank"));
    }
}
