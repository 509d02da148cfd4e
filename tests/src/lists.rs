//! Deterministic generated contact lists for scale tests.

use std::fmt::Write as _;

/// A whatsapp-profile list of `rows` contacts (about 100 bytes a row):
/// phones written the ways real exports write them, a few invalid numbers
/// and repeats, quoted consent wording with commas, mixed channels.
pub fn whatsapp_list(rows: usize) -> Vec<u8> {
    let mut out = String::with_capacity(rows * 110 + 100);
    out.push_str("First Name,Mobile,Opt-in Date,Source,Consent Text,Channel\n");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*: fast, deterministic, good enough to mix formats.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    const NAMES: [&str; 8] = ["Ann", "Bo", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal"];
    const CHANNELS: [&str; 6] = ["whatsapp", "WhatsApp", "whatsapp;sms", "sms", "email", ""];
    for i in 0..rows {
        let r = next();
        let subscriber = if r % 33 == 0 { i / 2 } else { i }; // ~3 % repeats
        let number = 100_000 + (subscriber % 900_000) as u64;
        let phone = match (r >> 8) % 20 {
            0 => format!("+44 7911 {number}9"), // one digit too many: invalid
            1..=6 => format!("+44 7911 {number}"),
            7..=10 => format!("07911 {number}"),
            11..=13 => format!("+447911{number}"),
            14..=16 => format!("(0)7911-{}-{}", number / 1000, number % 1000),
            _ => format!("+44.7911.{number}"),
        };
        let day = 1 + (r >> 16) % 28;
        let channel = CHANNELS[((r >> 24) % 6) as usize];
        let _ = writeln!(
            out,
            "{},{phone},2025-03-{day:02} 10:00,shop.example/join,\"Yes, send me WhatsApp offers, news and tips\",{channel}",
            NAMES[(r >> 32) as usize % NAMES.len()],
        );
    }
    out.into_bytes()
}
