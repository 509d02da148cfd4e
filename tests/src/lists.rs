//! Deterministic generated contact lists for scale tests and benchmarks.

use std::fmt::Write as _;

/// The generator's header: the whatsapp profile's fields as exports name them.
pub const HEADER: &str = "First Name,Mobile,Opt-in Date,Source,Consent Text,Channel";

/// xorshift64*: fast, deterministic, good enough to mix formats.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Subscriber `n`'s mobile number, written the way `style` picks among
/// the ways real exports write numbers (national and international, spaces,
/// dots, dashes, parentheses), in one of five countries. Distinct `n` give
/// distinct numbers.
fn phone(n: u64, style: u64) -> String {
    match n % 20 {
        // United Kingdom (the default country: national forms are fine).
        0..=11 => {
            let (block, line) = (10 + n % 90, (n / 90) % 1_000_000);
            let (head, tail) = (line / 1000, line % 1000);
            match style % 8 {
                0 => format!("+44 79{block:02} {line:06}"),
                1 => format!("079{block:02} {line:06}"),
                2 => format!("+4479{block:02}{line:06}"),
                3 => format!("(079{block:02}) {head:03}-{tail:03}"),
                4 => format!("+44 (0)79{block:02} {line:06}"),
                5 => format!("0044 79{block:02} {line:06}"),
                6 => format!("+44.79{block:02}.{head:03}.{tail:03}"),
                _ => format!("079{block:02}-{head:03}-{tail:03}"),
            }
        }
        // United States.
        12..=13 => {
            const AREAS: [u64; 6] = [201, 212, 305, 415, 646, 718];
            let area = AREAS[(n % 6) as usize];
            let exchange = 200 + (n / 6) % 700;
            let line = (n / 4200) % 10_000;
            match style % 3 {
                0 => format!("+1 ({area}) {exchange}-{line:04}"),
                1 => format!("+1.{area}.{exchange}.{line:04}"),
                _ => format!("+1{area}{exchange}{line:04}"),
            }
        }
        // Germany.
        14..=15 => {
            let line = n % 100_000_000;
            match style % 2 {
                0 => format!("+49 151 {line:08}"),
                _ => format!("0049 (151) {:04}-{:04}", line / 10_000, line % 10_000),
            }
        }
        // France.
        16..=17 => {
            let line = n % 100_000_000;
            let pairs = [
                line / 1_000_000,
                line / 10_000 % 100,
                line / 100 % 100,
                line % 100,
            ];
            match style % 2 {
                0 => format!(
                    "+33 6 {:02} {:02} {:02} {:02}",
                    pairs[0], pairs[1], pairs[2], pairs[3]
                ),
                _ => format!(
                    "+33 (0)6.{:02}.{:02}.{:02}.{:02}",
                    pairs[0], pairs[1], pairs[2], pairs[3]
                ),
            }
        }
        // Spain.
        _ => {
            let line = n % 100_000_000;
            format!(
                "+34 6{:02} {:03} {:03}",
                line / 1_000_000,
                line / 1000 % 1000,
                line % 1000
            )
        }
    }
}

/// A whatsapp-profile list of `rows` contacts (about 100 bytes a row):
/// numbers from five countries written every way exports write them, about
/// 3 % repeats of an earlier subscriber (in another format), about 5 %
/// invalid numbers, quoted consent wording with commas, opt-in times in two
/// formats, and mixed channels (WhatsApp, WhatsApp and SMS, SMS, email,
/// none). The wording names the business Acme (check it with that name).
pub fn whatsapp_list(rows: usize) -> Vec<u8> {
    let mut out = String::with_capacity(rows * 110 + 100);
    out.push_str(HEADER);
    out.push('\n');
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    const NAMES: [&str; 12] = [
        "Ann", "Bo", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ines", "Jon", "Kiri", "Lou",
    ];
    const CHANNELS: [&str; 10] = [
        "whatsapp",
        "WhatsApp",
        "whatsapp",
        "WhatsApp",
        "whatsapp",
        "whatsapp;sms",
        "sms",
        "SMS",
        "email",
        "",
    ];
    const WORDING: [&str; 3] = [
        "Yes, send me Acme's WhatsApp offers, news and tips",
        "Yes, Acme may text me on WhatsApp or SMS about offers",
        "Sign me up, please, for the Acme monthly newsletter",
    ];
    for i in 0..rows as u64 {
        let r = random.next();
        // ~3 % repeat a subscriber seen earlier.
        let subscriber = if r.is_multiple_of(33) && i > 0 {
            r / 64 % i
        } else {
            i
        };
        let mut phone = phone(subscriber, r >> 8);
        // ~5 % cannot be a number: a digit lost or one too many.
        match (r >> 16) % 40 {
            0 => {
                phone.pop();
            }
            1 => phone.push('7'),
            _ => {}
        }
        let day = 1 + (r >> 24) % 28;
        let hour = (r >> 32) % 24;
        let when = if (r >> 40).is_multiple_of(4) {
            format!("2025-03-{day:02}T{hour:02}:15:00Z")
        } else {
            format!("2025-03-{day:02} {hour:02}:15")
        };
        let channel = CHANNELS[((r >> 44) % 10) as usize];
        let wording = WORDING[((r >> 48) % 3) as usize];
        let _ = writeln!(
            out,
            "{},{phone},{when},shop.example/join,\"{wording}\",{channel}",
            NAMES[((r >> 52) % 12) as usize],
        );
    }
    out.into_bytes()
}

/// Markup that sets `window.__xss` if a page ever runs it instead of
/// showing it: an image whose load fails…
pub const IMG: &str = "<img src=x onerror=\"window.__xss=1\">";
/// …an SVG's load handler…
pub const SVG: &str = "<svg onload=window.__xss=1>";
/// …and a script element.
pub const SCRIPT: &str = "<script>window.__xss=1</script>";

/// Writes a whatsapp list into `dir` whose file name, a header and cells
/// carry [`IMG`], [`SVG`] and [`SCRIPT`]: one importable row, one rejected
/// (its phone cell is markup). Returns its path.
pub fn markup_list(dir: &std::path::Path) -> std::path::PathBuf {
    let list = dir.join(format!("{IMG}.csv"));
    let quoted = IMG.replace('"', "\"\"");
    std::fs::write(
        &list,
        format!(
            "phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,\"{SCRIPT}\"\n\
             +447911123456,2025-03-05T14:30:00Z,\"{quoted}\",Yes to Acme Boutique offers on WhatsApp {SVG},whatsapp,{SCRIPT}\n\
             \"{quoted}\",2025-03-05T14:30:00Z,shop.example,Yes to Acme Boutique offers on WhatsApp,whatsapp,x\n",
        ),
    )
    .expect("write the list");
    list
}

/// Lists refused for one place in them: `(file name, text, code, row, column
/// letter)`. Five good rows and a row 7 of 1,201 cells (over the 1,000 a list
/// may have); 2,000 good rows and a 70,000-character cell at row 2,002,
/// column C (over 65,536).
pub fn refused_at_a_place() -> [(
    &'static str,
    String,
    &'static str,
    u64,
    Option<&'static str>,
); 2] {
    let header = "phone,opt_in_at,opt_in_source,opt_in_text\n";
    let good = |rows: usize| {
        (0..rows).fold(String::from(header), |mut text, i| {
            let _ = writeln!(
                text,
                "+4479111{i:05},2025-01-05,shop.example,Yes to WhatsApp"
            );
            text
        })
    };
    let mut wide = good(5);
    let _ = writeln!(wide, "+447911199999{}", ",x".repeat(1200));
    let mut long = good(2000);
    let _ = writeln!(long, "+447911199999,2025-01-05,{},x", "s".repeat(70_000));
    [
        ("wide.csv", wide, "file.too_many_columns", 7, None),
        ("long.csv", long, "file.cell_too_long", 2002, Some("C")),
    ]
}
