//! Roles: what a field *means* to the rules and the importer.
//!
//! A rule never finds its field by name: it asks for a role
//! (`ctx.field(Role::OptInAt)`), and the profile says which of its fields
//! plays it. A field name is the merchant's vocabulary (`opt_in_at`,
//! `MobileNumber`); a role is listgate's.

use super::FieldKind;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! roles {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal : $kind:ident ),+ $(,)?) => {
        /// The meaning of a profile field to the rules and the importer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Role {
            $( $(#[$doc])* $variant, )+
        }

        impl Role {
            /// Every role.
            pub const ALL: &'static [Role] = &[$(Role::$variant),+];

            /// Its name in profiles, e.g. `opt_in_at`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Role::$variant => $text,)+ }
            }

            /// The kind of value a field with this role holds.
            pub const fn kind(self) -> FieldKind {
                match self { $(Role::$variant => FieldKind::$kind,)+ }
            }
        }
    };
}

roles! {
    /// The contact's mobile number (the key of phone-based profiles; Mongoose's MobileNumber).
    Phone = "phone": Phone,
    /// A separate WhatsApp number (Mongoose's WhatsAppMobileNumber).
    WhatsappNumber = "whatsapp_number": Phone,
    /// The contact's email address.
    Email = "email": Email,
    /// Given name.
    FirstName = "first_name": Text,
    /// Family name.
    LastName = "last_name": Text,
    /// When the contact opted in.
    OptInAt = "opt_in_at": Timestamp,
    /// Where the opt-in was collected.
    OptInSource = "opt_in_source": Text,
    /// The wording the contact agreed to.
    OptInText = "opt_in_text": Text,
    /// The channels the contact consented to.
    OptInChannel = "opt_in_channel": Channel,
    /// How consent was captured.
    OptInMethod = "opt_in_method": Text,
    /// When the contact confirmed a double opt-in.
    DoubleOptInAt = "double_opt_in_at": Timestamp,
    /// The contact opted out (of every channel the profile imports).
    OptedOut = "opted_out": Boolean,
    /// Mongoose: the contact opted out of WhatsApp.
    WhatsappOptedOut = "whatsapp_opted_out": Boolean,
    /// Mongoose: the contact opted out of marketing on WhatsApp.
    WhatsappMarketingOptedOut = "whatsapp_marketing_opted_out": Boolean,
    /// Mongoose: the contact opted out of text messages (`OptedOut`).
    TextOptedOut = "text_opted_out": Boolean,
    /// When the contact was last messaged.
    LastMessageAt = "last_message_at": Timestamp,
    /// Date of birth.
    DateOfBirth = "date_of_birth": Date,
    /// Age in whole years.
    Age = "age": Age,
    /// Street (may hold the house number too).
    Street = "street": Text,
    /// House number.
    HouseNumber = "house_number": Text,
    /// The platform's contact id (Mongoose's ContactId).
    ContactId = "contact_id": Id,
    /// Mongoose: the student id.
    StudentId = "student_id": Id,
    /// The staff member who owns the contact.
    StaffId = "staff_id": Staff,
}

impl Role {
    /// The role a field of `kind` plays when its profile names none: the
    /// kinds that mean one thing only.
    pub const fn default_for(kind: FieldKind) -> Option<Role> {
        match kind {
            FieldKind::Phone => Some(Role::Phone),
            FieldKind::Email => Some(Role::Email),
            FieldKind::Channel => Some(Role::OptInChannel),
            FieldKind::Date => Some(Role::DateOfBirth),
            FieldKind::Age => Some(Role::Age),
            FieldKind::Staff => Some(Role::StaffId),
            FieldKind::Text | FieldKind::Timestamp | FieldKind::Boolean | FieldKind::Id => None,
        }
    }

    /// Whether a field with this role records consent: changing one
    /// changes what the contact is said to have agreed to, which only the
    /// merchant's own evidence can back.
    pub const fn records_consent(self) -> bool {
        matches!(
            self,
            Role::OptInAt
                | Role::OptInSource
                | Role::OptInText
                | Role::OptInChannel
                | Role::OptInMethod
                | Role::DoubleOptInAt
                | Role::OptedOut
                | Role::WhatsappOptedOut
                | Role::WhatsappMarketingOptedOut
                | Role::TextOptedOut
        )
    }

    /// Its position in [`Role::ALL`].
    const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which field of a profile plays each role: resolved once, read by index
/// for every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleMap([Option<usize>; Role::ALL.len()]);

impl RoleMap {
    /// Field indices by role, from each field's role.
    pub fn new(roles: impl IntoIterator<Item = Option<Role>>) -> RoleMap {
        let mut map = [None; Role::ALL.len()];
        for (i, role) in roles.into_iter().enumerate() {
            if let Some(role) = role {
                map[role.index()].get_or_insert(i);
            }
        }
        RoleMap(map)
    }

    /// The index of the field that plays `role`.
    pub fn get(&self, role: Role) -> Option<usize> {
        self.0[role.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_listed_in_declaration_order() {
        for (i, role) in Role::ALL.iter().enumerate() {
            assert_eq!(role.index(), i, "{role}");
        }
    }

    #[test]
    fn a_default_role_holds_its_kind() {
        for kind in FieldKind::ALL {
            if let Some(role) = Role::default_for(*kind) {
                assert_eq!(role.kind(), *kind, "{role}");
            }
        }
    }

    #[test]
    fn names_round_trip_through_serde() {
        for role in Role::ALL {
            let json = serde_json::to_string(role).expect("serializes");
            assert_eq!(json, format!("\"{role}\""));
        }
    }
}
