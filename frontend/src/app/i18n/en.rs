//! English: the default, and every other table's reference.
//!
//! Ids are `area.name`; a counted message has `.one` and `.other`. Texts
//! copied from core (segments, outcomes, fixes, profiles) must stay equal
//! to core's (a test checks).

/// `(message id, text)`.
pub static MESSAGES: &[(&str, &str)] = &[
    // The page and the step bar.
    (
        "app.tagline",
        "Check a contact list for a consent-safe WhatsApp, SMS or email import — privately, in your browser.",
    ),
    ("app.areas", "Areas"),
    ("app.area_check", "Check a list"),
    ("app.area_review", "Reviewer console"),
    ("app.steps", "Steps"),
    (
        "app.crash",
        "Something went wrong on this page and it stopped working. Reload the page to start again; your list never left this browser. If it happens again, tell us which step you were on.",
    ),
    // The widget in a partner's page.
    ("widget.refused", "This page cannot send lists to listgate."),
    ("widget.asking", "Connecting to listgate…"),
    (
        "widget.tenant",
        "Lists checked here go to {tenant} after review.",
    ),
    ("step.start", "Start"),
    ("step.load", "Load"),
    ("step.map", "Map"),
    ("step.check", "Check"),
    ("step.results", "Results"),
    ("step.download", "Download"),
    ("step.evidence", "Evidence"),
    // Failures.
    ("form.attention", "Something needs your attention:"),
    ("form.how_to_fix", "How to fix it:"),
    ("form.position_row", "Look at row {row} of the file."),
    (
        "form.position_cell",
        "Look at row {row}, column {column} of the file.",
    ),
    // 1. Start.
    ("start.title", "1. Choose where the list is going"),
    ("start.profile", "Import profile"),
    ("start.profile.whatsapp", "WhatsApp"),
    ("start.profile.mongoose", "Mongoose WhatsApp import"),
    ("start.profile.sms-us", "US SMS"),
    ("start.profile.email-gdpr", "Email (GDPR)"),
    ("start.header", "The file has a header row"),
    ("start.header.detect", "Detect it"),
    ("start.header.yes", "Yes"),
    ("start.header.no", "No"),
    ("start.region", "Default country"),
    (
        "start.region_hint",
        "Two letters, e.g. GB: used for numbers written without a country code.",
    ),
    ("start.date_format", "Date format"),
    (
        "start.date_format_hint",
        "Leave blank to detect; or e.g. DD/MM/YYYY or %m/%d/%Y.",
    ),
    ("start.business", "Business name"),
    ("start.business_hint", "The consent wording must name it."),
    (
        "start.business_required_hint",
        "Required for this profile: the platform refuses consent wording that does not name your brand, so every row's wording must name it.",
    ),
    (
        "start.channel",
        "Consent channel, for a list without a channel column",
    ),
    (
        "start.channel.column",
        "Not declared: the list's channel column says",
    ),
    (
        "start.channel.whatsapp",
        "Every contact consented to WhatsApp",
    ),
    ("start.channel.sms", "Every contact consented to SMS"),
    ("start.channel.email", "Every contact consented to email"),
    (
        "start.house_number",
        "The house number is part of the street address",
    ),
    (
        "start.last_mapping",
        "Use the last mapping saved in this browser",
    ),
    (
        "start.infer_mobile",
        "Fill a blank MobileNumber from WhatsAppMobileNumber (instead of failing the row)",
    ),
    (
        "start.allow_updates",
        "Allow mobile number updates for existing contacts",
    ),
    ("start.next", "Next: load the list"),
    ("start.templates", "Start from a template:"),
    ("start.templates_all", "all fields"),
    ("start.templates_required", "required fields only"),
    // The built-in profiles, as core describes them.
    (
        "profile.whatsapp.description",
        "WhatsApp marketing import: explicit, subscriber-level WhatsApp opt-in for every contact",
    ),
    (
        "profile.mongoose.description",
        "Mongoose WhatsApp manual import: exact headers, numbers without + are US",
    ),
    (
        "profile.sms-us.description",
        "Community SMS import: US/Canadian numbers, recent consent, minimum age",
    ),
    (
        "profile.email-gdpr.description",
        "Email import under GDPR: email is the key; consent is attested before import",
    ),
    // Their fields (3. Map).
    (
        "field.whatsapp.phone",
        "Mobile number, ideally with + and country code",
    ),
    (
        "field.whatsapp.opt_in_at",
        "When the contact opted in (date and time)",
    ),
    (
        "field.whatsapp.opt_in_source",
        "Where the opt-in was collected (form URL, shop, event)",
    ),
    (
        "field.whatsapp.opt_in_text",
        "The exact wording the contact agreed to",
    ),
    (
        "field.whatsapp.opt_in_channel",
        "Channels consented to: whatsapp, sms, email (several with `;`)",
    ),
    (
        "field.whatsapp.opt_in_method",
        "How consent was captured (checkbox, keyword, …)",
    ),
    (
        "field.whatsapp.double_opt_in_at",
        "When the contact confirmed (double opt-in)",
    ),
    ("field.whatsapp.opted_out", "yes when the contact opted out"),
    ("field.whatsapp.first_name", "Given name"),
    ("field.whatsapp.last_name", "Family name"),
    ("field.whatsapp.email", "Email address"),
    ("field.whatsapp.country", "Country"),
    ("field.whatsapp.tags", "Tags, separated by `;`"),
    ("field.whatsapp.date_of_birth", "Date of birth"),
    ("field.whatsapp.age", "Age in years"),
    (
        "field.mongoose.StudentId",
        "Student id (StudentId or ContactId is required)",
    ),
    (
        "field.mongoose.ContactId",
        "Contact id (StudentId or ContactId is required)",
    ),
    ("field.mongoose.FirstName", "Given name"),
    ("field.mongoose.LastName", "Family name"),
    (
        "field.mongoose.MobileNumber",
        "Mobile number (blank: inferred from the WhatsApp number when \"infer mobile number\" is chosen)",
    ),
    (
        "field.mongoose.WhatsAppMobileNumber",
        "WhatsApp number with + and the country code (blank for contacts without WhatsApp)",
    ),
    (
        "field.mongoose.WhatsAppOptedOut",
        "yes or true when the contact opted out of WhatsApp; no, false or blank means opted in",
    ),
    (
        "field.mongoose.WhatsAppMarketingOptedOut",
        "yes or true when the contact opted out of WhatsApp marketing; no, false or blank means opted in",
    ),
    (
        "field.mongoose.OptedOut",
        "yes or true when the contact opted out of text messages; no, false or blank means opted in",
    ),
    (
        "field.mongoose.StaffId",
        "Staff member the contact is assigned to (left out or blank, Mongoose clears the assignment)",
    ),
    (
        "field.sms-us.phone",
        "US or Canadian number, 10 or 11 digits",
    ),
    ("field.sms-us.opt_in_at", "When the contact opted in"),
    ("field.sms-us.date_of_birth", "Date of birth (or age)"),
    ("field.sms-us.age", "Age in years (or date of birth)"),
    (
        "field.sms-us.last_message_at",
        "When the contact was last messaged",
    ),
    ("field.sms-us.opt_in_channel", "Channels consented to"),
    (
        "field.sms-us.opted_out",
        "yes when the contact replied STOP",
    ),
    ("field.sms-us.first_name", "Given name"),
    ("field.sms-us.last_name", "Family name"),
    ("field.sms-us.email", "Email address"),
    ("field.sms-us.country", "Country"),
    ("field.sms-us.tags", "Tags, separated by `;`"),
    ("field.email-gdpr.email", "Email address (the key)"),
    ("field.email-gdpr.first_name", "Given name"),
    ("field.email-gdpr.last_name", "Family name"),
    ("field.email-gdpr.phone", "Phone number"),
    (
        "field.email-gdpr.street",
        "Street (with the house number when it is part of the address)",
    ),
    ("field.email-gdpr.house_number", "House number"),
    ("field.email-gdpr.postal_code", "Postal code"),
    ("field.email-gdpr.city", "City"),
    ("field.email-gdpr.country", "Country"),
    (
        "field.email-gdpr.opt_in_channel",
        "Channels consented to (without this column, the GDPR confirmation counts as email consent)",
    ),
    // 2. Load.
    ("load.title", "2. Load the list"),
    (
        "load.drop_here",
        "Drop a file here (.csv, .txt, .tsv or .xlsx), or",
    ),
    ("load.choose", "Choose a file"),
    (
        "load.privacy",
        "The file is read here, in your browser. Nothing is uploaded until you submit.",
    ),
    ("load.paste_open", "Or paste rows from a spreadsheet"),
    ("load.paste_label", "Pasted rows (with the header row)"),
    ("load.paste_use", "Use the pasted rows"),
    ("load.pasted_name", "pasted text"),
    ("load.reading", "Reading the start of the file…"),
    ("load.next", "Next: map the columns"),
    ("load.detected", "Detected: {value}"),
    ("load.delimiter.comma", "comma (,)"),
    ("load.delimiter.semicolon", "semicolon (;)"),
    ("load.delimiter.tab", "tab"),
    ("load.delimiter.pipe", "pipe (|)"),
    ("load.header_row", "row {row}"),
    ("load.header_none", "none (every row is a contact)"),
    ("load.header_is", "Header: {header}"),
    ("load.excel_sheet", "Excel workbook, sheet {sheet}"),
    ("load.encoding", "Text encoding"),
    ("load.encoding.other_choice", "Other…"),
    (
        "load.encoding.other_label",
        "Encoding label (such as windows-1251, iso-8859-2 or shift_jis)",
    ),
    (
        "load.encoding.unknown",
        "“{label}” is not an encoding label: type one such as windows-1251, iso-8859-2, shift_jis or gb18030.",
    ),
    ("load.delimiter", "Delimiter"),
    ("load.skip_rows", "Rows to skip above the header"),
    (
        "load.invalid_bytes",
        "Some characters were not valid in this encoding and show as �: choose the right encoding.",
    ),
    ("load.preview", "Preview of the first rows"),
    // 3. Map.
    ("map.title", "3. Map the columns"),
    (
        "map.intro",
        "Each field of the import is matched to a column of your file. Columns left unmapped are kept as custom fields.",
    ),
    ("map.field", "Field"),
    ("map.column", "Column in your file"),
    ("map.required", "required"),
    ("map.one_of", "one of {fields} required"),
    ("map.or", "or"),
    ("map.not_mapped", "— not mapped —"),
    ("map.column_empty", "{name} (empty in the first rows)"),
    ("map.column_samples", "{name} — e.g. {samples}"),
    (
        "map.required_missing",
        "Required: choose the column that holds it.",
    ),
    ("map.save", "Save this mapping in this browser"),
    ("map.saved", "Saved."),
    ("map.check", "Check the list"),
    // 4. Check.
    ("check.title", "4. Check"),
    ("check.progress", "Share of the file checked"),
    ("check.rows_checked.one", "{n} row checked"),
    ("check.rows_checked.other", "{n} rows checked"),
    ("check.rate", "{n} rows/s"),
    ("check.left", "about {time} left"),
    ("check.minutes", "{min} min {s} s"),
    ("check.seconds", "{s} s"),
    ("check.stopped", "The check was stopped or has not started."),
    ("check.cancel", "Cancel"),
    ("check.start", "Check the list"),
    // 5. Results.
    ("results.title", "5. Results"),
    ("outcome.all_importable", "All rows can be imported."),
    (
        "outcome.some_importable",
        "Some rows can be imported; the rest are in the error file.",
    ),
    (
        "outcome.none_importable",
        "No row can be imported; see the error file.",
    ),
    ("results.dates_judged", "Dates were judged as of {time}."),
    ("results.stat.rows.one", "row"),
    ("results.stat.rows.other", "rows"),
    ("results.stat.importable.one", "importable"),
    ("results.stat.importable.other", "importable"),
    ("results.stat.rejected.one", "rejected"),
    ("results.stat.rejected.other", "rejected"),
    ("results.stat.warnings.one", "with warnings"),
    ("results.stat.warnings.other", "with warnings"),
    ("results.stat.duplicates.one", "duplicate"),
    ("results.stat.duplicates.other", "duplicates"),
    ("results.segments", "Consent segments"),
    ("results.segment", "Segment"),
    ("results.notice", "Note:"),
    ("results.rows", "Rows"),
    ("results.meaning", "What it means"),
    ("segment.whatsapp.name", "WhatsApp"),
    ("segment.sms_only.name", "SMS"),
    ("segment.email_only.name", "email"),
    ("segment.unknown.name", "no recorded channel"),
    (
        "segment.whatsapp.meaning",
        "explicitly opted in to WhatsApp messages",
    ),
    (
        "segment.sms_only.meaning",
        "opted in to SMS, not WhatsApp: message them by SMS or ask for WhatsApp consent",
    ),
    (
        "segment.email_only.meaning",
        "opted in to email only: do not message them on WhatsApp or SMS",
    ),
    (
        "segment.unknown.meaning",
        "no channel recorded: collect channel-specific consent before messaging them",
    ),
    ("results.issues_by_code", "Issues by code"),
    ("results.no_issues", "No issues."),
    ("results.code", "Code"),
    ("results.how_to_fix", "How to fix it"),
    ("results.severity.error", "error"),
    ("results.severity.warning", "warning"),
    ("results.show_rows", "Show rows"),
    ("results.show_rows_with", "Show rows with {code}"),
    ("results.next", "Next: downloads"),
    ("results.rows_title", "Rows with issues"),
    ("results.issue_filter", "Issue"),
    ("results.all_issues", "All issues"),
    ("results.find", "Find"),
    ("results.find_placeholder", "a value or a row number"),
    ("results.shown.one", "{shown} of {n} row with issues"),
    ("results.shown.other", "{shown} of {n} rows with issues"),
    ("results.not_kept", "({n} more only in the error file)"),
    (
        "results.edit_hint",
        "Edit a cell to re-check its row (duplicates are judged against the row alone). Edits are not written into the downloads: fix the error file and load it again.",
    ),
    ("results.row", "Row"),
    ("results.issues", "Issues"),
    ("results.status.fixed", "fixed"),
    ("results.status.still_rejected", "still rejected"),
    ("results.status.importable", "importable"),
    ("results.status.rejected", "rejected"),
    ("results.no_issues_row", "no issues"),
    ("results.more_issues", "(+{n} more)"),
    ("results.cell_label", "Row {row}, {column}"),
    // How to fix each issue, as core says it.
    (
        "fix.file.unreadable",
        "Export the list again from your tool as CSV (comma or semicolon separated) or as an Excel .xlsx workbook.",
    ),
    (
        "fix.file.empty",
        "Check that you exported the right list and that the export contains contacts below the header row.",
    ),
    (
        "fix.file.too_large",
        "Split the list into several smaller files and check each one.",
    ),
    (
        "fix.file.too_many_rows",
        "Split the list into smaller files and check each one; a pasted list can instead be uploaded as a file.",
    ),
    (
        "fix.file.too_many_columns",
        "Check that the file is a contact list and that the delimiter chosen on the Load step is right; delete empty columns and export again.",
    ),
    (
        "fix.file.cell_too_long",
        "Look for a quote (\") that is opened and never closed at the row named, fix it and export again.",
    ),
    (
        "fix.header.missing_required",
        "Add the missing column to the file, rename its header, or choose the column for the field on the Map step.",
    ),
    (
        "fix.header.duplicate",
        "Rename or delete one of the two columns, or choose the right one for the field on the Map step.",
    ),
    (
        "fix.header.too_many_custom_fields",
        "Delete the columns you do not need to import so that at most the allowed number of custom columns remain.",
    ),
    (
        "fix.row.ragged",
        "Put quotes around values that contain the delimiter (or re-export the file from your tool) so every row has one cell per column.",
    ),
    (
        "fix.row.unclosed_quote",
        "Close the quote on this row (or double quotes inside a quoted value: \"\" ) and check again.",
    ),
    (
        "fix.phone.missing",
        "Fill in the contact's mobile number with its country code (+44 7911 123456), or remove the row.",
    ),
    (
        "fix.phone.unparseable",
        "Write the number with digits only, optionally with + and spaces, e.g. +44 7911 123456; format phone columns as text in spreadsheets.",
    ),
    (
        "fix.phone.invalid",
        "Check the number for a missing or extra digit and for the right country code.",
    ),
    (
        "fix.phone.no_country_code",
        "Write numbers with + and the country code, or choose the country the numbers belong to on the Start step (Default country).",
    ),
    (
        "fix.phone.not_mobile",
        "Replace it with the contact's mobile number if you have it; otherwise leave it and expect delivery failures.",
    ),
    (
        "fix.phone.not_sms_capable",
        "Replace it with the contact's mobile number, or remove the row: service and VoIP numbers cannot receive texts.",
    ),
    (
        "fix.phone.not_allowed_country",
        "Remove contacts from other countries, or import them with a profile for their country.",
    ),
    (
        "fix.phone.duplicate",
        "Delete this row, or merge what it adds into the row it duplicates.",
    ),
    (
        "fix.id.missing",
        "Fill in the contact's StudentId or ContactId from your system.",
    ),
    (
        "fix.id.duplicate",
        "Keep one row per id: delete this row or merge it into the earlier one.",
    ),
    (
        "fix.email.missing",
        "Fill in the contact's email address, or remove the row.",
    ),
    (
        "fix.email.invalid",
        "Correct the address (name@example.com) or clear the cell if you do not have one.",
    ),
    (
        "fix.email.duplicate",
        "Delete this row, or merge what it adds into the row it duplicates.",
    ),
    (
        "fix.date.ambiguous",
        "Choose the column's date format on the Start step (Date format: %d/%m/%Y or %m/%d/%Y), or write dates as 2025-04-03.",
    ),
    (
        "fix.consent.missing_timestamp",
        "Fill in when the contact opted in (date and time, e.g. 2025-03-05 14:30) from your signup records.",
    ),
    (
        "fix.consent.bad_timestamp",
        "Write the date as 2025-03-05 14:30, or choose your date format on the Start step (Date format).",
    ),
    (
        "fix.consent.future_timestamp",
        "Correct the date: check the year and whether day and month are swapped.",
    ),
    (
        "fix.consent.stale",
        "Re-confirm consent with these contacts through another channel before importing them, or leave them out.",
    ),
    (
        "fix.consent.missing_source",
        "Fill in where the contact opted in, e.g. https://shop.example/signup or 'in-store tablet'.",
    ),
    (
        "fix.consent.missing_text",
        "Fill in the exact text the contact agreed to, e.g. 'Yes, send me offers from Acme on WhatsApp'.",
    ),
    (
        "fix.consent.text_not_whatsapp",
        "Only import contacts whose opt-in wording named WhatsApp; collect new WhatsApp consent from the others.",
    ),
    (
        "fix.consent.text_missing_business",
        "Only import contacts whose opt-in wording named your business; check the business name you entered.",
    ),
    (
        "fix.consent.text_not_marketing",
        "Import only contacts whose opt-in wording named marketing (offers, news, promotions); ask the others for marketing consent first.",
    ),
    (
        "fix.consent.not_whatsapp_channel",
        "Message these contacts only on the channel they chose, or ask them for WhatsApp consent first; map the channel column if it is missing (or declare the list's channel).",
    ),
    (
        "fix.consent.not_sms_channel",
        "Text only the contacts who agreed to SMS, or ask the others for SMS consent first; map the channel column if it is missing (or declare the list's channel).",
    ),
    (
        "fix.consent.not_email_channel",
        "E-mail only the contacts who agreed to email, or ask the others for email consent first; leave out the channel column only when every contact agreed to email.",
    ),
    (
        "fix.consent.opted_out",
        "Do not import this contact. Keep them on your suppression list.",
    ),
    (
        "fix.consent.double_opt_in_before_opt_in",
        "Correct the opt-in or the confirmation date from your records (check for swapped day and month).",
    ),
    (
        "fix.consent.inferred_text_opt_in",
        "Set OptedOut to yes for contacts who cannot receive text messages or did not agree to them; no for those who did.",
    ),
    (
        "fix.age.missing",
        "Fill in the date of birth (2001-07-14) or the age in whole years.",
    ),
    (
        "fix.age.under_minimum",
        "Do not import this contact until they reach the minimum age.",
    ),
    (
        "fix.flag.invalid_boolean",
        "Write true or false, or yes or no (other profiles than mongoose also read y/n and 1/0).",
    ),
    (
        "fix.staff.missing",
        "Fill in each contact's StaffId (and keep supplying it on every import) if contacts are assigned to staff; leave it out only to clear the assignments.",
    ),
    (
        "fix.staff.unknown",
        "Use a StaffId that exists in your account, or leave the cell empty.",
    ),
    // 6. Download.
    ("downloads.title", "6. Download"),
    (
        "downloads.intro",
        "These files were made in your browser; nothing has been uploaded.",
    ),
    ("downloads.rows.one", "({n} row)"),
    ("downloads.rows.other", "({n} rows)"),
    ("downloads.next", "Next: consent evidence"),
    (
        "downloads.file.clean",
        "Clean file: the importable rows, normalized",
    ),
    (
        "downloads.file.errors",
        "Error file: rejected rows as you wrote them, with an errors column; fix and re-import",
    ),
    ("downloads.file.segment", "{channel} segment: {meaning}"),
    (
        "downloads.file.report",
        "Report: every issue and count, as `listgate check --json` prints it",
    ),
    (
        "downloads.file.batches",
        "Proposed import batches: a small first batch, then larger ones",
    ),
    // 7. Evidence.
    ("evidence.title", "7. Consent evidence and attestation"),
    ("evidence.wording", "Exact consent wording"),
    (
        "evidence.wording_hint",
        "Paste the sentence contacts agreed to, word for word.",
    ),
    ("evidence.source", "Where contacts opted in"),
    (
        "evidence.source_hint",
        "A web page address, a shop, an event…",
    ),
    ("evidence.capture", "How consent was captured"),
    (
        "evidence.capture_hint",
        "E.g. unticked checkbox on the checkout page.",
    ),
    ("evidence.double_opt_in", "Double opt-in (if used)"),
    (
        "evidence.double_opt_in_hint",
        "How contacts confirmed, e.g. a reply to a confirmation message.",
    ),
    (
        "evidence.files",
        "Evidence files (screenshots or PDF of the opt-in)",
    ),
    (
        "evidence.sources_intro",
        "Your importable contacts opted in through these sources. Attach a screenshot or PDF of each opt-in: the form, the page, the sign-up sheet.",
    ),
    ("evidence.source_blank", "(no source given)"),
    ("evidence.source_contacts.one", "{n} contact"),
    ("evidence.source_contacts.other", "{n} contacts"),
    ("evidence.add_for_source", "Evidence for {source}"),
    ("evidence.source_files.one", "{n} file attached"),
    ("evidence.source_files.other", "{n} files attached"),
    ("evidence.source_no_files", "no evidence yet"),
    (
        "evidence.other_sources.one",
        "{n} more contact opted in through another source: attach its evidence below and name the source.",
    ),
    (
        "evidence.other_sources.other",
        "{n} more contacts opted in through other sources: attach their evidence below and name each source.",
    ),
    ("evidence.files_source", "Opt-in source these files show"),
    ("evidence.add_files", "Add files"),
    ("evidence.file", "{name} ({size}, {source})"),
    ("evidence.file_source", "source: {source}"),
    ("evidence.file_no_source", "no source named"),
    ("evidence.remove", "Remove"),
    ("evidence.remove_file", "Remove {name}"),
    ("evidence.self_check", "Self-check"),
    (
        "evidence.self_check.wording_names_whatsapp",
        "The consent wording names WhatsApp (and our business) explicitly.",
    ),
    (
        "evidence.self_check.timestamp_and_source",
        "Every contact has their own opt-in timestamp and source.",
    ),
    (
        "evidence.self_check.channel_clarity",
        "Contacts who agreed to SMS or email only are kept apart from WhatsApp contacts.",
    ),
    (
        "evidence.self_check.unknowns_excluded",
        "Contacts with no recorded channel are left out of the WhatsApp import.",
    ),
    (
        "evidence.gdpr",
        "Every contact gave GDPR-compliant consent to receive email from us, and we can prove it.",
    ),
    ("evidence.missing", "Before you can submit:"),
    (
        "evidence.missing.importable",
        "no row can be imported: fix the error file and check it again",
    ),
    (
        "evidence.missing.wording",
        "paste the exact consent wording",
    ),
    ("evidence.missing.source", "say where contacts opted in"),
    (
        "evidence.missing.capture",
        "describe how consent was captured",
    ),
    (
        "evidence.missing.files",
        "attach at least one screenshot or PDF of the opt-in",
    ),
    (
        "evidence.missing.source_files",
        "attach evidence for {source} ({contacts})",
    ),
    ("evidence.missing.confirm", "confirm: {question}"),
    (
        "evidence.missing.gdpr",
        "confirm the GDPR consent statement",
    ),
    ("evidence.build", "Build the submission package"),
    (
        "evidence.package_note",
        "The package holds your answers and the list of evidence files (keep a copy); Submit sends it with clean.csv and the evidence files.",
    ),
    ("evidence.submit_legend", "Submit"),
    ("evidence.api_key", "Your listgate API key"),
    (
        "evidence.api_key_hint",
        "Only the clean file, your answers and the evidence files are sent — never the rows that were rejected.",
    ),
    ("evidence.submitting", "Submitting…"),
    ("evidence.submit", "Submit to listgate"),
    // The submission after Submit.
    ("status.title", "Your submission"),
    ("status.reference", "Reference"),
    ("status.pending_review", "Waiting for review"),
    ("status.approved", "Approved: importing in batches"),
    ("status.rejected", "Rejected: see what is missing below"),
    ("status.imported", "Imported"),
    ("status.unknown", "Unknown status"),
    ("status.missing", "What is missing:"),
    (
        "status.reason.no_explicit_whatsapp_opt_in",
        "consent that names WhatsApp explicitly: show the opt-in wording contacts agreed to",
    ),
    (
        "status.reason.insufficient_proof",
        "proof of opt-in: screenshots or a PDF of the form, with each contact's timestamp and source",
    ),
    (
        "status.reason.mixed_channel_consent",
        "a list of WhatsApp-consented contacts only: leave SMS-only, email-only and unknown contacts out",
    ),
    (
        "status.reason.formatting",
        "a file in the required format: check it again with listgate and submit the clean file",
    ),
    ("status.note", "Reviewer's note:"),
    (
        "status.import_progress.one",
        "{imported} of {n} contact imported",
    ),
    (
        "status.import_progress.other",
        "{imported} of {n} contacts imported",
    ),
    ("status.imported_label", "Contacts imported"),
    ("status.batch", "Batch"),
    ("status.contacts", "Contacts"),
    ("status.status", "Status"),
    ("status.batch.queued", "queued"),
    ("status.batch.running", "running"),
    ("status.batch.done", "done"),
    ("status.batch.failed", "failed"),
    ("status.refresh", "Refresh"),
];
