//! Loading profiles, built-in and custom, through one loader that checks
//! each rule against the profile's roles: a rule the text switches on must
//! find its roles (else the profile is refused, naming both); a rule on by
//! default runs only where its roles are.

use crate::code::Code;
use crate::profile::{BUILTIN_PROFILES, Draft, Profile, ProfileError, ProfileSpec, builtin_toml};
use crate::rules;
use std::sync::OnceLock;

impl Profile {
    /// A built-in profile by name (see [`BUILTIN_PROFILES`](crate::profile::BUILTIN_PROFILES)).
    /// Each is read from its TOML once per process; later calls clone it
    /// (the app asks on every render).
    pub fn builtin(name: &str) -> Result<Profile, ProfileError> {
        static LOADED: [OnceLock<Result<Profile, ProfileError>>; BUILTIN_PROFILES.len()] =
            [const { OnceLock::new() }; BUILTIN_PROFILES.len()];
        let index = BUILTIN_PROFILES
            .iter()
            .position(|n| *n == name)
            .ok_or_else(|| ProfileError::Unknown(name.into()))?;
        LOADED[index]
            .get_or_init(|| {
                let text = builtin_toml(name).ok_or_else(|| ProfileError::Unknown(name.into()))?;
                Profile::from_toml(text)
            })
            .clone()
    }

    /// Loads a profile from TOML: a custom one, or the text of a built-in.
    ///
    /// A custom profile may start from a built-in one (`extends`): fields
    /// named like a base field add synonyms and may change its kind, role
    /// and `required`; other fields are appended. Without `extends` every
    /// row rule whose roles the fields provide runs, unless switched off.
    /// The README's "Custom profiles" section shows the whole format.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        let spec = ProfileSpec::parse(text)?;
        let base = spec.extends.as_deref().map(Profile::builtin).transpose()?;
        let default_rules: Vec<Code> = Code::ALL
            .iter()
            .copied()
            .filter(|c| !c.is_file_level())
            .collect();
        finish(spec.into_draft(base, &default_rules)?)
    }
}

fn finish(draft: Draft) -> Result<Profile, ProfileError> {
    let Draft {
        mut profile,
        switched_on,
    } = draft;
    for code in switched_on {
        if let Some(missing) = rules::needs(code).unmet(&profile) {
            return Err(ProfileError::Invalid(format!(
                "rule {code} needs {missing}, which profile `{}` does not have: add that field or switch the rule off",
                profile.name
            )));
        }
    }
    let runnable: Vec<Code> = profile
        .rules
        .iter()
        .copied()
        .filter(|code| rules::needs(*code).unmet(&profile).is_none())
        .collect();
    profile.rules = runnable;
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use crate::code::Code;
    use crate::profile::{BUILTIN_PROFILES, FieldKind, Profile, Role, builtin_toml};

    fn refusal(text: &str) -> String {
        Profile::from_toml(text).expect_err("refused").to_string()
    }

    #[test]
    fn every_builtin_loads_and_runs_every_rule_it_lists() {
        for name in BUILTIN_PROFILES {
            let profile = Profile::builtin(name).expect("loads");
            let listed = toml::from_str::<toml::Table>(builtin_toml(name).expect("text"))
                .expect("toml")["rules"]
                .as_array()
                .expect("a list of rules")
                .len();
            assert_eq!(
                profile.rules.len(),
                listed,
                "{name}: no listed rule dropped"
            );
        }
    }

    #[test]
    fn builtin_profiles_are_as_documented() {
        for name in BUILTIN_PROFILES {
            insta::assert_json_snapshot!(*name, Profile::builtin(name).expect("loads"));
        }
    }

    #[test]
    fn a_custom_copy_of_a_builtin_is_the_builtin() {
        for name in BUILTIN_PROFILES {
            let text = builtin_toml(name).expect("text");
            assert_eq!(
                Profile::from_toml(text).expect("loads"),
                Profile::builtin(name).expect("loads")
            );
        }
    }

    #[test]
    fn a_profile_that_changes_its_channel_judges_consent_to_that_channel() {
        let texts =
            Profile::from_toml("name = \"texts\"\nextends = \"whatsapp\"\nchannel = \"sms\"\n")
                .expect("loads");
        assert!(texts.runs(Code::ConsentNotSmsChannel));
        assert!(!texts.runs(Code::ConsentNotWhatsappChannel));
        let off = Profile::from_toml(
            "name = \"texts\"\nextends = \"whatsapp\"\nchannel = \"sms\"\n[rules]\n\"consent.not_sms_channel\" = false\n",
        )
        .expect("loads");
        assert!(!off.runs(Code::ConsentNotSmsChannel));
        let any = Profile::from_toml("name = \"all\"\nextends = \"sms-us\"\nchannel = \"any\"\n")
            .expect("loads");
        assert!(!any.runs(Code::ConsentNotSmsChannel));
    }

    #[test]
    fn a_phone_field_of_any_name_is_the_phone() {
        let p = Profile::from_toml(
            "name = \"shop\"\n[[fields]]\nname = \"mobile\"\nkind = \"phone\"\nrequired = true\n[[fields]]\nname = \"given\"\n",
        )
        .expect("loads");
        assert_eq!(
            p.field_for(Role::Phone).map(|f| f.name.as_str()),
            Some("mobile")
        );
        assert_eq!(p.key, vec![Role::Phone]);
        assert!(p.runs(Code::PhoneDuplicate));
        assert!(!p.runs(Code::AgeMissing), "no age fields, no age rules");
        assert!(!p.runs(Code::ConsentMissingTimestamp));
        assert!(!p.runs(Code::EmailInvalid));
    }

    #[test]
    fn a_rule_switched_on_without_its_role_is_refused_naming_both() {
        let message = refusal(
            "name = \"shop\"\n[rules]\n\"age.missing\" = true\n[[fields]]\nname = \"mobile\"\nkind = \"phone\"\n",
        );
        assert!(message.contains("age.missing"), "{message}");
        assert!(message.contains("date_of_birth or age"), "{message}");
        let message = refusal(
            "name = \"shop\"\nrules = [\"consent.missing_source\"]\n[[fields]]\nname = \"mobile\"\nkind = \"phone\"\n",
        );
        assert!(message.contains("consent.missing_source"), "{message}");
        assert!(message.contains("opt_in_source"), "{message}");
    }

    #[test]
    fn roles_belong_to_one_field_and_match_its_kind() {
        let message = refusal(
            "name = \"x\"\n[[fields]]\nname = \"a\"\nrole = \"phone\"\n[[fields]]\nname = \"b\"\nrole = \"phone\"\n",
        );
        assert!(
            message.contains("`a` and `b` both have role phone"),
            "{message}"
        );
        let message = refusal(
            "name = \"x\"\n[[fields]]\nname = \"a\"\nkind = \"phone\"\n[[fields]]\nname = \"b\"\nkind = \"phone\"\n",
        );
        assert!(message.contains("role = \"phone\""), "{message}");
        let message = refusal(
            "name = \"x\"\n[[fields]]\nname = \"a\"\nkind = \"text\"\nrole = \"opt_in_at\"\n",
        );
        assert!(message.contains("kind timestamp, not text"), "{message}");
        let message = refusal("name = \"x\"\n[[fields]]\nname = \"note\"\n");
        assert!(message.contains("identifies a contact"), "{message}");
    }

    #[test]
    fn a_role_implies_the_kind_and_a_kind_the_role() {
        let p = Profile::from_toml(
            "name = \"x\"\n[[fields]]\nname = \"signed_up\"\nrole = \"opt_in_at\"\n[[fields]]\nname = \"mail\"\nkind = \"email\"\n[[fields]]\nname = \"landline\"\nkind = \"phone\"\nrole = \"whatsapp_number\"\n",
        )
        .expect("loads");
        assert_eq!(
            p.field("signed_up").expect("field").kind,
            FieldKind::Timestamp
        );
        assert_eq!(
            p.field_for(Role::Email).map(|f| f.name.as_str()),
            Some("mail")
        );
        assert_eq!(p.key, vec![Role::Email], "no phone: email is the key");
        assert!(p.runs(Code::ConsentMissingTimestamp));
    }

    #[test]
    fn custom_profile_extends_and_overrides() {
        let p = Profile::from_toml(
            r#"
name = "shop"
extends = "whatsapp"
min_age = 16
allowed_countries = ["gb"]
[rules]
"phone.not_mobile" = false
[[fields]]
name = "phone"
synonyms = ["Handynummer"]
[[fields]]
name = "loyalty_id"
[[fields]]
name = "landline"
kind = "phone"
"#,
        )
        .expect("loads");
        assert_eq!(p.min_age, Some(16));
        assert_eq!(p.allowed_countries, vec!["GB"]);
        assert!(!p.runs(Code::PhoneNotMobile));
        let phone = p.field("phone").expect("phone");
        assert!(phone.synonyms.contains(&"Handynummer".to_string()));
        assert_eq!(phone.role, Some(Role::Phone), "the base's role stays");
        assert_eq!(p.field("loyalty_id").expect("added").kind, FieldKind::Text);
        assert_eq!(
            p.field("landline").expect("added").role,
            None,
            "phone is taken"
        );
    }

    #[test]
    fn bad_custom_profiles_say_what_is_wrong() {
        assert!(
            refusal("name = \"x\"\nextends = \"whatsapp\"\n[rules]\n\"phone.nope\" = true")
                .contains("phone.nope")
        );
        assert!(refusal("name = \"x\"").contains("no fields"));
        assert!(refusal("name = \"x\"\nextends = \"telegram\"").contains("unknown profile"));
        assert!(
            refusal("name = \"x\"\nextends = \"whatsapp\"\nallowed_countries = [\"XX1\"]")
                .contains("XX1")
        );
        assert!(refusal("nam = \"x\"").contains("nam"));
        assert!(
            refusal("name = \"x\"\nextends = \"whatsapp\"\nkey = [\"student_id\"]")
                .contains("student_id")
        );
    }
}
