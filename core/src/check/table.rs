//! The table: where it starts in the sample, its columns and which column
//! feeds which profile field (suggested, then the merchant's mapping), and
//! the columns of the clean file.

use crate::error::CheckError;
use crate::mapping::{find_column, suggest_from_headers, suggest_from_values};
use crate::options::CheckOptions;
use crate::profile::{Profile, Role};
use crate::records::Record;
use crate::rules::{Header, check_header};
use crate::sink::OutputColumn;
use crate::sniff::find_table;
use crate::text::column_letter;

/// The table found in the sample: where it starts, its columns, the mapping.
pub(crate) struct Table {
    /// Header cells as written (empty without a header row).
    pub(crate) source_headers: Vec<String>,
    /// Column names: the header text, or `Column A`… when blank.
    pub(crate) columns: Vec<String>,
    /// Whether the table starts with a header row.
    pub(crate) has_header: bool,
    /// Spreadsheet row of the header.
    pub(crate) header_row: Option<u64>,
    /// Sample records skipped above the table.
    pub(crate) skipped: usize,
    /// Index in the sample of the first data record.
    pub(crate) data_start: usize,
    /// Source column per profile field.
    pub(crate) fields: Vec<Option<usize>>,
}

impl Table {
    /// Finds the table and maps its columns (suggestions, then the options' overrides).
    pub(crate) fn find(
        profile: &Profile,
        options: &CheckOptions,
        sample: &[Record],
    ) -> Result<Table, CheckError> {
        let start = find_table(
            sample,
            profile,
            options.reading.header,
            options.reading.skip_rows,
        );
        let header_record = sample.get(start.skipped).filter(|_| start.header);
        let width = start.width.max(header_record.map_or(0, Record::len));
        let source_headers: Vec<String> = match header_record {
            Some(h) => (0..width)
                .map(|c| h.get(c).unwrap_or("").trim().to_owned())
                .collect(),
            None => vec![String::new(); width],
        };
        let columns: Vec<String> = source_headers
            .iter()
            .enumerate()
            .map(|(c, h)| {
                if h.is_empty() {
                    format!("Column {}", column_letter(c))
                } else {
                    h.clone()
                }
            })
            .collect();
        let data_start = (start.skipped + usize::from(start.header)).min(sample.len());
        let fields = map_fields(
            profile,
            options,
            &columns,
            header_record.is_some(),
            &sample[data_start..],
        )?;
        Ok(Table {
            source_headers,
            columns,
            has_header: header_record.is_some(),
            header_row: header_record.map(Record::row),
            skipped: start.skipped,
            data_start,
            fields,
        })
    }

    /// Why the file is refused with this table and mapping, if it is:
    /// required fields unmapped, duplicate headers, too many custom columns.
    pub(crate) fn refusal(&self, profile: &Profile) -> Option<CheckError> {
        check_header(&Header {
            profile,
            cells: &self.source_headers,
            fields: &self.fields,
            row: self.header_row,
        })
        .err()
    }
}

/// Suggested mapping plus the merchant's overrides.
fn map_fields(
    profile: &Profile,
    options: &CheckOptions,
    columns: &[String],
    has_header: bool,
    data: &[Record],
) -> Result<Vec<Option<usize>>, CheckError> {
    let mut fields = if has_header {
        suggest_from_headers(profile, columns)
    } else {
        let values: Vec<Vec<&str>> = (0..columns.len())
            .map(|c| data.iter().take(200).filter_map(|r| r.get(c)).collect())
            .collect();
        suggest_from_values(profile, &values)
    };
    for (name, header) in &options.reading.mapping.0 {
        let Some(f) = profile.fields.iter().position(|f| &f.name == name) else {
            continue;
        };
        if header.trim().is_empty() {
            fields[f] = None;
            continue;
        }
        let column = find_column(columns, header).ok_or_else(|| {
            CheckError::InvalidOption(format!(
                "mapping {name}={header}: the file has no column `{header}`; its columns are: {}",
                columns.join(", ")
            ))
        })?;
        for other in fields.iter_mut() {
            if *other == Some(column) {
                *other = None;
            }
        }
        fields[f] = Some(column);
    }
    Ok(fields)
}

/// Clean-file columns: mapped fields in profile order, then unmapped source
/// columns (custom fields), leaving out blank-headed padding columns.
pub(super) fn output_layout(
    profile: &Profile,
    options: &CheckOptions,
    columns: &[String],
    source_headers: &[String],
    has_header: bool,
    fields: &[Option<usize>],
) -> (Vec<String>, Vec<OutputColumn>) {
    let mut headers = Vec::new();
    let mut layout = Vec::new();
    for (i, field) in profile.fields.iter().enumerate() {
        if fields[i].is_some() {
            headers.push(field.name.clone());
            layout.push(OutputColumn::Field(i));
        } else if field.role == Some(Role::HouseNumber) && options.judging.house_number_in_street {
            let street_mapped = profile
                .roles()
                .get(Role::Street)
                .is_some_and(|s| fields[s].is_some());
            if street_mapped {
                headers.push(field.name.clone());
                layout.push(OutputColumn::HouseNumber);
            }
        }
    }
    for (c, name) in columns.iter().enumerate() {
        // A blank header in a file that has headers marks padding, not data.
        let padding = has_header && source_headers[c].is_empty();
        if !fields.contains(&Some(c)) && !padding {
            headers.push(name.clone());
            layout.push(OutputColumn::Source(c));
        }
    }
    (headers, layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::Mapping;
    use crate::options::{JudgeOptions, ReadOptions};

    fn records(rows: &[&[&str]]) -> Vec<Record> {
        rows.iter()
            .enumerate()
            .map(|(i, cells)| Record::from_cells(i as u64 + 1, cells))
            .collect()
    }

    fn whatsapp() -> Profile {
        Profile::builtin("whatsapp").expect("profile")
    }

    fn field(profile: &Profile, name: &str) -> usize {
        profile
            .fields
            .iter()
            .position(|f| f.name == name)
            .expect("field")
    }

    #[test]
    fn title_rows_are_skipped_and_headers_mapped() {
        let profile = whatsapp();
        let sample = records(&[
            &["Acme export, November"],
            &["Mobile", "Opt-in date", "Source", "Consent text", ""],
            &["+447911123456", "2025-01-05", "shop", "Yes to WhatsApp", ""],
        ]);
        let table = Table::find(&profile, &CheckOptions::default(), &sample).expect("table");
        assert_eq!(table.skipped, 1);
        assert_eq!(table.header_row, Some(2));
        assert_eq!(table.data_start, 2);
        assert_eq!(
            table.columns[4], "Column E",
            "a blank header is named by its letter"
        );
        assert_eq!(table.fields[field(&profile, "phone")], Some(0));
        assert_eq!(table.fields[field(&profile, "opt_in_text")], Some(3));
        assert!(table.refusal(&profile).is_none());
    }

    #[test]
    fn the_merchants_mapping_wins_and_must_name_a_column() {
        let profile = whatsapp();
        let sample = records(&[
            &["Mobile", "Other", "Opt-in date", "Source", "Consent text"],
            &[
                "+447911123456",
                "+447911123457",
                "2025-01-05",
                "shop",
                "Yes",
            ],
        ]);
        let options = CheckOptions {
            reading: ReadOptions {
                mapping: Mapping::from_pairs(&["phone=Other"]).expect("pairs"),
                ..ReadOptions::default()
            },
            ..CheckOptions::default()
        };
        let table = Table::find(&profile, &options, &sample).expect("table");
        assert_eq!(table.fields[field(&profile, "phone")], Some(1));
        let options = CheckOptions {
            reading: ReadOptions {
                mapping: Mapping::from_pairs(&["phone=Nope"]).expect("pairs"),
                ..ReadOptions::default()
            },
            ..CheckOptions::default()
        };
        let error = Table::find(&profile, &options, &sample)
            .err()
            .expect("refused");
        assert!(error.to_string().contains("no column `Nope`"), "{error}");
    }

    #[test]
    fn a_missing_required_column_is_the_tables_refusal() {
        let profile = whatsapp();
        let sample = records(&[&["Mobile", "Name"], &["+447911123456", "Ana"]]);
        let table = Table::find(&profile, &CheckOptions::default(), &sample).expect("table");
        let refusal = table.refusal(&profile).expect("refused");
        assert!(refusal.to_string().contains("opt_in_at"), "{refusal}");
    }

    #[test]
    fn clean_file_columns_are_fields_then_custom_columns_without_padding() {
        let profile = Profile::builtin("email-gdpr").expect("profile");
        let columns: Vec<String> = ["email", "street", "notes", "Column D"]
            .map(String::from)
            .to_vec();
        let source_headers: Vec<String> =
            ["email", "street", "notes", ""].map(String::from).to_vec();
        let mut fields = vec![None; profile.fields.len()];
        fields[field(&profile, "email")] = Some(0);
        fields[field(&profile, "street")] = Some(1);
        let options = CheckOptions {
            judging: JudgeOptions {
                house_number_in_street: true,
                ..JudgeOptions::default()
            },
            ..CheckOptions::default()
        };
        let (headers, layout) =
            output_layout(&profile, &options, &columns, &source_headers, true, &fields);
        assert_eq!(headers, ["email", "street", "house_number", "notes"]);
        assert_eq!(
            layout,
            [
                OutputColumn::Field(field(&profile, "email")),
                OutputColumn::Field(field(&profile, "street")),
                OutputColumn::HouseNumber,
                OutputColumn::Source(2),
            ]
        );
    }
}
