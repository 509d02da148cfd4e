//! Spanish (neutral, addressing the merchant as «tú»).
//!
//! The same ids as [`super::en`], in the same order, with the same
//! `{placeholders}` (a test checks). Codes, field names, file names and
//! command-line options stay as written: they are what the merchant types
//! or sees in their files.

/// `(message id, text)`.
pub static MESSAGES: &[(&str, &str)] = &[
    // La página y la barra de pasos.
    (
        "app.tagline",
        "Comprueba que una lista de contactos se puede importar a WhatsApp, SMS o correo electrónico respetando el consentimiento, de forma privada y en tu navegador.",
    ),
    ("app.areas", "Secciones"),
    ("app.area_check", "Comprobar una lista"),
    ("app.area_review", "Consola de revisión"),
    ("app.steps", "Pasos"),
    (
        "app.crash",
        "Algo falló en esta página y dejó de funcionar. Vuelva a cargar la página para empezar de nuevo; su lista nunca salió de este navegador. Si vuelve a ocurrir, díganos en qué paso estaba.",
    ),
    ("widget.asking", "Conectando con listgate…"),
    (
        "widget.refused",
        "Esta página no puede enviar listas a listgate.",
    ),
    (
        "widget.tenant",
        "Las listas revisadas aquí se envían a {tenant} tras su revisión.",
    ),
    ("step.start", "Inicio"),
    ("step.load", "Cargar"),
    ("step.map", "Columnas"),
    ("step.check", "Comprobar"),
    ("step.results", "Resultados"),
    ("step.download", "Descargas"),
    ("step.evidence", "Pruebas"),
    // Errores.
    ("form.attention", "Hay algo que requiere tu atención:"),
    ("form.how_to_fix", "Cómo solucionarlo:"),
    ("form.position_row", "Mira la fila {row} del archivo."),
    (
        "form.position_cell",
        "Mira la fila {row}, columna {column} del archivo.",
    ),
    // 1. Inicio.
    ("start.title", "1. Elige adónde va la lista"),
    ("start.profile", "Perfil de importación"),
    ("start.profile.whatsapp", "WhatsApp"),
    (
        "start.profile.mongoose",
        "Importación de WhatsApp en Mongoose",
    ),
    ("start.profile.sms-us", "SMS en EE. UU."),
    ("start.profile.email-gdpr", "Correo electrónico (RGPD)"),
    ("start.header", "El archivo tiene una fila de encabezado"),
    ("start.header.detect", "Detectarlo automáticamente"),
    ("start.header.yes", "Sí"),
    ("start.header.no", "No"),
    ("start.region", "País predeterminado"),
    (
        "start.region_hint",
        "Dos letras, p. ej., ES o MX: se usa con los números escritos sin prefijo internacional.",
    ),
    ("start.date_format", "Formato de fecha"),
    (
        "start.date_format_hint",
        "Déjalo en blanco para detectarlo o indícalo, p. ej., DD/MM/YYYY o %d/%m/%Y.",
    ),
    ("start.business", "Nombre de la empresa"),
    (
        "start.business_hint",
        "El texto de consentimiento debe mencionarlo.",
    ),
    ("start.api_key", "Tu clave de API de listgate (opcional)"),
    (
        "start.api_key_hint",
        "Con ella, cada fila se compara con la lista de bajas de tu cuenta aquí, en el navegador: la lista llega como hashes con clave, nunca como números ni direcciones, y no se envía nada de tu archivo.",
    ),
    (
        "start.business_required_hint",
        "Obligatorio con este perfil: la plataforma rechaza el texto de consentimiento que no menciona tu marca, así que el de cada fila debe mencionarla.",
    ),
    (
        "start.channel",
        "Canal del consentimiento, para una lista sin columna de canal",
    ),
    (
        "start.channel.column",
        "Sin declarar: lo dice la columna de canal de la lista",
    ),
    (
        "start.channel.whatsapp",
        "Todos los contactos aceptaron WhatsApp",
    ),
    ("start.channel.sms", "Todos los contactos aceptaron SMS"),
    (
        "start.channel.email",
        "Todos los contactos aceptaron el correo electrónico",
    ),
    (
        "start.house_number",
        "El número de la casa está incluido en la calle",
    ),
    (
        "start.last_mapping",
        "Usar la última asignación de columnas guardada en este navegador",
    ),
    (
        "start.infer_mobile",
        "Completar un MobileNumber vacío con el WhatsAppMobileNumber (en lugar de rechazar la fila)",
    ),
    (
        "start.allow_updates",
        "Permitir que cambie el número de móvil de los contactos existentes",
    ),
    ("start.next", "Siguiente: cargar la lista"),
    ("start.templates", "Empieza con una plantilla:"),
    ("start.templates_all", "todos los campos"),
    ("start.templates_required", "solo los campos obligatorios"),
    // Los perfiles incluidos.
    (
        "profile.whatsapp.description",
        "Importación para marketing por WhatsApp: cada contacto debe haber aceptado expresa e individualmente recibir mensajes por WhatsApp",
    ),
    (
        "profile.mongoose.description",
        "Importación manual de WhatsApp en Mongoose: encabezados exactos; los números sin + se consideran de EE. UU.",
    ),
    (
        "profile.sms-us.description",
        "Importación de SMS para Community: números de EE. UU. o Canadá, consentimiento reciente y edad mínima",
    ),
    (
        "profile.email-gdpr.description",
        "Importación de correo electrónico según el RGPD: la dirección de correo es la clave y el consentimiento se declara antes de importar",
    ),
    // Sus campos (3. Columnas).
    (
        "field.whatsapp.phone",
        "Número de móvil, a ser posible con + y el prefijo del país",
    ),
    (
        "field.whatsapp.opt_in_at",
        "Cuándo dio su consentimiento el contacto (fecha y hora)",
    ),
    (
        "field.whatsapp.opt_in_source",
        "Dónde se obtuvo el consentimiento (URL del formulario, tienda, evento)",
    ),
    (
        "field.whatsapp.opt_in_text",
        "El texto exacto que aceptó el contacto",
    ),
    (
        "field.whatsapp.opt_in_channel",
        "Canales aceptados: whatsapp, sms, email (varios, separados por `;`)",
    ),
    (
        "field.whatsapp.opt_in_method",
        "Cómo se obtuvo el consentimiento (casilla, palabra clave…)",
    ),
    (
        "field.whatsapp.double_opt_in_at",
        "Cuándo confirmó el contacto (doble confirmación)",
    ),
    (
        "field.whatsapp.opted_out",
        "«yes» si el contacto se dio de baja",
    ),
    ("field.whatsapp.first_name", "Nombre"),
    ("field.whatsapp.last_name", "Apellidos"),
    ("field.whatsapp.email", "Dirección de correo electrónico"),
    ("field.whatsapp.country", "País"),
    ("field.whatsapp.tags", "Etiquetas, separadas por `;`"),
    ("field.whatsapp.date_of_birth", "Fecha de nacimiento"),
    ("field.whatsapp.age", "Edad en años"),
    (
        "field.mongoose.StudentId",
        "Identificador del alumno (se requiere StudentId o ContactId)",
    ),
    (
        "field.mongoose.ContactId",
        "Identificador del contacto (se requiere StudentId o ContactId)",
    ),
    ("field.mongoose.FirstName", "Nombre"),
    ("field.mongoose.LastName", "Apellidos"),
    (
        "field.mongoose.MobileNumber",
        "Número de móvil (en blanco: se toma del número de WhatsApp si se elige «inferir el número de móvil»)",
    ),
    (
        "field.mongoose.WhatsAppMobileNumber",
        "Número de WhatsApp con + y el prefijo del país (en blanco para contactos sin WhatsApp)",
    ),
    (
        "field.mongoose.WhatsAppOptedOut",
        "yes o true si el contacto se dio de baja de WhatsApp; no, false o en blanco significa que está suscrito",
    ),
    (
        "field.mongoose.WhatsAppMarketingOptedOut",
        "yes o true si el contacto se dio de baja del marketing por WhatsApp; no, false o en blanco significa que está suscrito",
    ),
    (
        "field.mongoose.OptedOut",
        "yes o true si el contacto se dio de baja de los SMS; no, false o en blanco significa que está suscrito",
    ),
    (
        "field.mongoose.StaffId",
        "Miembro del personal asignado al contacto (si se omite o queda en blanco, Mongoose borra la asignación)",
    ),
    (
        "field.sms-us.phone",
        "Número de EE. UU. o Canadá, de 10 u 11 dígitos",
    ),
    (
        "field.sms-us.opt_in_at",
        "Cuándo dio su consentimiento el contacto",
    ),
    ("field.sms-us.date_of_birth", "Fecha de nacimiento (o edad)"),
    ("field.sms-us.age", "Edad en años (o fecha de nacimiento)"),
    (
        "field.sms-us.last_message_at",
        "Cuándo se escribió al contacto por última vez",
    ),
    ("field.sms-us.opt_in_channel", "Canales aceptados"),
    (
        "field.sms-us.opted_out",
        "«yes» si el contacto respondió STOP",
    ),
    ("field.sms-us.first_name", "Nombre"),
    ("field.sms-us.last_name", "Apellidos"),
    ("field.sms-us.email", "Dirección de correo electrónico"),
    ("field.sms-us.country", "País"),
    ("field.sms-us.tags", "Etiquetas, separadas por `;`"),
    (
        "field.email-gdpr.email",
        "Dirección de correo electrónico (la clave)",
    ),
    ("field.email-gdpr.first_name", "Nombre"),
    ("field.email-gdpr.last_name", "Apellidos"),
    ("field.email-gdpr.phone", "Número de teléfono"),
    (
        "field.email-gdpr.street",
        "Calle (con el número de la casa cuando forma parte de la dirección)",
    ),
    ("field.email-gdpr.house_number", "Número de la casa"),
    ("field.email-gdpr.postal_code", "Código postal"),
    ("field.email-gdpr.city", "Ciudad"),
    ("field.email-gdpr.country", "País"),
    (
        "field.email-gdpr.opt_in_channel",
        "Canales aceptados (sin esta columna, la confirmación del RGPD cuenta como consentimiento para el correo)",
    ),
    // 2. Cargar.
    ("load.title", "2. Carga la lista"),
    (
        "load.drop_here",
        "Suelta aquí un archivo (.csv, .txt, .tsv o .xlsx) o",
    ),
    ("load.choose", "Elegir un archivo"),
    (
        "load.privacy",
        "El archivo se lee aquí, en tu navegador. No se sube nada hasta que lo envíes.",
    ),
    ("load.paste_open", "O pega filas de una hoja de cálculo"),
    (
        "load.paste_label",
        "Filas pegadas (con la fila de encabezado)",
    ),
    ("load.paste_use", "Usar las filas pegadas"),
    ("load.pasted_name", "texto pegado"),
    ("load.reading", "Leyendo el principio del archivo…"),
    ("load.next", "Siguiente: asignar las columnas"),
    ("load.detected", "Detección automática: {value}"),
    ("load.delimiter.comma", "coma (,)"),
    ("load.delimiter.semicolon", "punto y coma (;)"),
    ("load.delimiter.tab", "tabulador"),
    ("load.delimiter.pipe", "barra vertical (|)"),
    ("load.header_row", "fila {row}"),
    ("load.header_none", "ninguno (cada fila es un contacto)"),
    ("load.header_is", "Encabezado: {header}"),
    ("load.excel_sheet", "Libro de Excel, hoja {sheet}"),
    ("load.encoding", "Codificación del texto"),
    ("load.encoding.other_choice", "Otra…"),
    (
        "load.encoding.other_label",
        "Nombre de la codificación (como windows-1251, iso-8859-2 o shift_jis)",
    ),
    (
        "load.encoding.unknown",
        "«{label}» no es el nombre de una codificación: escriba uno como windows-1251, iso-8859-2, shift_jis o gb18030.",
    ),
    ("load.delimiter", "Separador"),
    (
        "load.skip_rows",
        "Filas que hay que omitir antes del encabezado",
    ),
    (
        "load.invalid_bytes",
        "Algunos caracteres no son válidos en esta codificación y aparecen como �: elige la codificación correcta.",
    ),
    ("load.preview", "Vista previa de las primeras filas"),
    // 3. Columnas.
    ("map.title", "3. Asigna las columnas"),
    (
        "map.intro",
        "Cada campo de la importación se asigna a una columna de tu archivo. Las columnas sin asignar se conservan como campos personalizados.",
    ),
    ("map.field", "Campo"),
    ("map.column", "Columna de tu archivo"),
    ("map.required", "obligatorio"),
    ("map.one_of", "obligatorio uno de: {fields}"),
    ("map.or", "o"),
    ("map.not_mapped", "— sin asignar —"),
    ("map.column_empty", "{name} (vacía en las primeras filas)"),
    ("map.column_samples", "{name} — p. ej., {samples}"),
    (
        "map.required_missing",
        "Obligatorio: elige la columna que lo contiene.",
    ),
    ("map.save", "Guardar esta asignación en este navegador"),
    ("map.saved", "Guardada."),
    ("map.check", "Comprobar la lista"),
    // 4. Comprobar.
    ("check.title", "4. Comprobación"),
    ("check.progress", "Parte del archivo comprobada"),
    ("check.rows_checked.one", "{n} fila comprobada"),
    ("check.rows_checked.other", "{n} filas comprobadas"),
    ("check.rate", "{n} filas/s"),
    ("check.left", "quedan unos {time}"),
    ("check.minutes", "{min} min {s} s"),
    ("check.seconds", "{s} s"),
    (
        "check.stopped",
        "La comprobación se ha detenido o aún no ha empezado.",
    ),
    ("check.cancel", "Cancelar"),
    ("check.start", "Comprobar la lista"),
    // 5. Resultados.
    ("results.title", "5. Resultados"),
    (
        "outcome.all_importable",
        "Todas las filas se pueden importar.",
    ),
    (
        "outcome.some_importable",
        "Algunas filas se pueden importar; el resto está en el archivo de errores.",
    ),
    (
        "outcome.none_importable",
        "No se puede importar ninguna fila; consulta el archivo de errores.",
    ),
    (
        "results.dates_judged",
        "Las fechas se evaluaron tomando como referencia {time}.",
    ),
    (
        "results.opt_outs",
        "Comparada con tu lista de bajas ({n} números y direcciones): las filas que contiene fallan con consent.suppressed salvo que su consentimiento sea más reciente.",
    ),
    ("results.stat.rows.one", "fila"),
    ("results.stat.rows.other", "filas"),
    ("results.stat.importable.one", "importable"),
    ("results.stat.importable.other", "importables"),
    ("results.stat.rejected.one", "rechazada"),
    ("results.stat.rejected.other", "rechazadas"),
    ("results.stat.warnings.one", "con avisos"),
    ("results.stat.warnings.other", "con avisos"),
    ("results.stat.duplicates.one", "duplicada"),
    ("results.stat.duplicates.other", "duplicadas"),
    (
        "results.stat.deleted.one",
        "fila eliminada por tus correcciones",
    ),
    (
        "results.stat.deleted.other",
        "filas eliminadas por tus correcciones",
    ),
    ("results.segments", "Segmentos de consentimiento"),
    ("results.segment", "Segmento"),
    ("results.notice", "Nota:"),
    ("results.rows", "Filas"),
    ("results.meaning", "Qué significa"),
    ("segment.whatsapp.name", "WhatsApp"),
    ("segment.sms_only.name", "SMS"),
    ("segment.email_only.name", "correo electrónico"),
    ("segment.unknown.name", "sin canal registrado"),
    (
        "segment.whatsapp.meaning",
        "aceptaron expresamente recibir mensajes por WhatsApp",
    ),
    (
        "segment.sms_only.meaning",
        "aceptaron SMS, pero no WhatsApp: escríbeles por SMS o pídeles su consentimiento para WhatsApp",
    ),
    (
        "segment.email_only.meaning",
        "solo aceptaron correo electrónico: no les escribas por WhatsApp ni por SMS",
    ),
    (
        "segment.unknown.meaning",
        "no consta ningún canal: obtén un consentimiento específico para cada canal antes de escribirles",
    ),
    ("results.issues_by_code", "Incidencias por código"),
    ("results.no_issues", "No hay incidencias."),
    ("results.code", "Código"),
    ("results.how_to_fix", "Cómo solucionarlo"),
    ("results.severity.error", "error"),
    ("results.severity.warning", "aviso"),
    ("results.show_rows", "Ver filas"),
    ("results.show_rows_with", "Ver las filas con {code}"),
    ("results.next", "Siguiente: descargas"),
    ("results.rows_title", "Filas con incidencias"),
    ("results.issue_filter", "Incidencia"),
    ("results.all_issues", "Todas las incidencias"),
    ("results.find", "Buscar"),
    ("results.find_placeholder", "un valor o un número de fila"),
    ("results.shown.one", "{shown} de {n} fila con incidencias"),
    (
        "results.shown.other",
        "{shown} de {n} filas con incidencias",
    ),
    (
        "results.not_kept",
        "({n} más, solo en el archivo de errores)",
    ),
    (
        "results.edit_hint",
        "Edita una celda para corregirla aquí: su fila se comprueba al momento y después toda la lista (duplicados incluidos), y todas las descargas incluyen tus correcciones.",
    ),
    (
        "results.consent_warning",
        "Las columnas marcadas como consentimiento guardan registros de consentimiento (cuándo, dónde, el texto y el canal que aceptó el contacto). Cámbialas solo si tus propios registros muestran que el contacto lo aceptó así: cada cambio queda en changes.csv.",
    ),
    ("results.consent_column", "consentimiento"),
    ("results.changes.title", "Tus cambios"),
    (
        "results.changes.updating",
        "Comprobando de nuevo la lista con tus cambios… {percent}%",
    ),
    ("results.changes.none", "Aún no hay cambios."),
    (
        "results.changes.applied.one",
        "{n} cambio hecho; los resultados y todas las descargas lo incluyen.",
    ),
    (
        "results.changes.applied.other",
        "{n} cambios hechos; los resultados y todas las descargas los incluyen.",
    ),
    ("results.changes.cancel", "Detener"),
    ("results.changes.rows.one", "{n} fila"),
    ("results.changes.rows.other", "{n} filas"),
    ("results.fix.title", "Corregir muchas filas a la vez"),
    ("results.fix.kind", "Corrección"),
    (
        "results.fix.kind.replace",
        "Buscar y reemplazar en una columna",
    ),
    (
        "results.fix.kind.set",
        "Poner un valor en una columna de las filas que encuentra un filtro",
    ),
    (
        "results.fix.kind.add_country",
        "Añadir el prefijo del país a los números sin él",
    ),
    (
        "results.fix.kind.delete",
        "Eliminar las filas que encuentra un filtro",
    ),
    ("results.fix.find", "Buscar"),
    ("results.fix.with", "Reemplazar por"),
    (
        "results.fix.whole_cell",
        "Solo la celda entera (si no, cualquier parte)",
    ),
    ("results.fix.value", "Valor nuevo"),
    ("results.fix.rows", "Filas"),
    ("results.fix.filter_column", "Donde la columna"),
    ("results.fix.filter_text", "contiene"),
    (
        "results.fix.filter_text_hint",
        "No importan las mayúsculas ni los espacios alrededor; déjalo vacío para todas las filas.",
    ),
    ("results.fix.region", "País"),
    ("results.fix.region_hint", "Dos letras, como ES o MX."),
    ("results.fix.preview", "Vista previa"),
    ("results.fix.preview_rows.one", "cambia {n} fila"),
    ("results.fix.preview_rows.other", "cambia {n} filas"),
    ("results.fix.apply", "Aplicar"),
    ("results.fix.discard", "Descartar"),
    ("results.fix.where_is", "{column} es «{text}»"),
    ("results.fix.where_contains", "{column} contiene «{text}»"),
    (
        "results.fix.describe.replace",
        "Reemplazar «{find}» por «{with}» en {column}",
    ),
    (
        "results.fix.describe.replace_whole",
        "Reemplazar las celdas que son «{find}» por «{with}» en {column}",
    ),
    (
        "results.fix.describe.set",
        "Poner «{value}» en {column} donde {rows}",
    ),
    (
        "results.fix.describe.add_country",
        "Añadir el prefijo de {region} a los números de {column}",
    ),
    (
        "results.fix.describe.delete",
        "Eliminar las filas donde {rows}",
    ),
    ("results.changes.undo", "Deshacer"),
    ("results.changes.redo", "Rehacer"),
    ("results.changes.column", "Columna"),
    ("results.changes.before", "Antes"),
    ("results.changes.after", "Después"),
    ("results.row", "Fila"),
    ("results.issues", "Incidencias"),
    ("results.status.fixed", "corregida"),
    ("results.status.still_rejected", "sigue rechazada"),
    ("results.status.importable", "importable"),
    ("results.status.rejected", "rechazada"),
    ("results.no_issues_row", "sin incidencias"),
    ("results.more_issues", "(+{n} más)"),
    ("results.cell_label", "Fila {row}, {column}"),
    // Cómo solucionar cada incidencia.
    (
        "fix.file.unreadable",
        "Vuelve a exportar la lista desde tu herramienta como CSV (separado por comas o por punto y coma) o como libro de Excel .xlsx.",
    ),
    (
        "fix.file.empty",
        "Comprueba que exportaste la lista correcta y que la exportación contiene contactos debajo de la fila de encabezado.",
    ),
    (
        "fix.file.too_large",
        "Divide la lista en varios archivos más pequeños y comprueba cada uno.",
    ),
    (
        "fix.file.too_many_rows",
        "Divide la lista en archivos más pequeños y revisa cada uno; una lista pegada se puede subir como archivo.",
    ),
    (
        "fix.file.too_many_columns",
        "Comprueba que el archivo sea una lista de contactos y que el separador elegido en el paso 2 sea el correcto; borra las columnas vacías y vuelve a exportar.",
    ),
    (
        "fix.file.cell_too_long",
        "Busca unas comillas (\") que se abren y no se cierran en la fila indicada, corrígelas y vuelve a exportar.",
    ),
    (
        "fix.header.missing_required",
        "Añade la columna que falta al archivo, cambia el nombre de su encabezado o elige la columna del campo en el paso 3.",
    ),
    (
        "fix.header.duplicate",
        "Cambia el nombre de una de las dos columnas o elimínala, o elige la correcta para el campo en el paso 3.",
    ),
    (
        "fix.header.too_many_custom_fields",
        "Elimina las columnas que no necesites importar para que no queden más columnas personalizadas de las permitidas.",
    ),
    (
        "fix.row.ragged",
        "Pon entre comillas los valores que contienen el separador (o vuelve a exportar el archivo desde tu herramienta) para que cada fila tenga una celda por columna.",
    ),
    (
        "fix.row.unclosed_quote",
        "Cierra las comillas en esta fila (o duplica las comillas dentro de un valor entrecomillado: \"\" ) y vuelve a comprobarla.",
    ),
    (
        "fix.phone.missing",
        "Escribe el número de móvil del contacto con su prefijo internacional (+34 612 345 678) o elimina la fila.",
    ),
    (
        "fix.phone.unparseable",
        "Escribe el número solo con dígitos, con + y espacios si quieres, p. ej., +34 612 345 678; en las hojas de cálculo, da formato de texto a las columnas de teléfono.",
    ),
    (
        "fix.phone.invalid",
        "Comprueba si al número le falta o le sobra un dígito y si el prefijo del país es el correcto.",
    ),
    (
        "fix.phone.no_country_code",
        "Escribe los números con + y el prefijo del país, o elige en el paso 1 el país al que pertenecen (País predeterminado).",
    ),
    (
        "fix.phone.not_mobile",
        "Sustitúyelo por el número de móvil del contacto si lo tienes; si no, déjalo, pero cuenta con que algunos mensajes no se entregarán.",
    ),
    (
        "fix.phone.not_sms_capable",
        "Sustitúyelo por el móvil del contacto o elimina la fila: los números de servicio y VoIP no pueden recibir SMS.",
    ),
    (
        "fix.phone.not_allowed_country",
        "Quita los contactos de otros países o impórtalos con un perfil para su país.",
    ),
    (
        "fix.phone.duplicate",
        "Elimina esta fila o combina lo que aporta con la fila que duplica.",
    ),
    (
        "fix.id.missing",
        "Escribe el StudentId o el ContactId del contacto que figura en tu sistema.",
    ),
    (
        "fix.id.duplicate",
        "Deja una sola fila por identificador: elimina esta fila o combínala con la anterior.",
    ),
    (
        "fix.email.missing",
        "Escribe la dirección de correo electrónico del contacto o elimina la fila.",
    ),
    (
        "fix.email.invalid",
        "Corrige la dirección (nombre@ejemplo.com) o vacía la celda si no tienes ninguna.",
    ),
    (
        "fix.email.duplicate",
        "Elimina esta fila o combina lo que aporta con la fila que duplica.",
    ),
    (
        "fix.date.ambiguous",
        "Elige el formato de fecha de la columna en el paso 1 (Formato de fecha: %d/%m/%Y o %m/%d/%Y) o escribe las fechas como 2025-04-03.",
    ),
    (
        "fix.consent.missing_timestamp",
        "Indica cuándo dio su consentimiento el contacto (fecha y hora, p. ej., 2025-03-05 14:30) según tus registros de alta.",
    ),
    (
        "fix.consent.bad_timestamp",
        "Escribe la fecha como 2025-03-05 14:30, o elige tu formato en el paso 1 (Formato de fecha).",
    ),
    (
        "fix.consent.future_timestamp",
        "Corrige la fecha: revisa el año y si el día y el mes están intercambiados.",
    ),
    (
        "fix.consent.stale",
        "Vuelve a confirmar el consentimiento de estos contactos por otro canal antes de importarlos, o déjalos fuera.",
    ),
    (
        "fix.consent.missing_source",
        "Indica dónde dio su consentimiento el contacto, p. ej., https://tienda.ejemplo/alta o «tableta en la tienda».",
    ),
    (
        "fix.consent.missing_text",
        "Escribe el texto exacto que aceptó el contacto, p. ej., «Sí, quiero recibir ofertas de Acme por WhatsApp».",
    ),
    (
        "fix.consent.text_not_whatsapp",
        "Importa solo los contactos cuyo texto de consentimiento mencionaba WhatsApp; pide un nuevo consentimiento para WhatsApp a los demás.",
    ),
    (
        "fix.consent.text_missing_business",
        "Importa solo los contactos cuyo texto de consentimiento mencionaba tu empresa; revisa el nombre de la empresa que escribiste.",
    ),
    (
        "fix.consent.text_not_marketing",
        "Importa solo los contactos cuyo texto de consentimiento mencionaba marketing (ofertas, novedades, promociones); pide antes a los demás su consentimiento para marketing.",
    ),
    (
        "fix.consent.not_whatsapp_channel",
        "Escribe a estos contactos solo por el canal que eligieron o pídeles antes su consentimiento para WhatsApp; asigna la columna del canal si falta (o indica el canal de la lista).",
    ),
    (
        "fix.consent.not_sms_channel",
        "Envía SMS solo a los contactos que aceptaron SMS, o pide antes a los demás su consentimiento para SMS; asigna la columna de canal si falta (o declara el canal de la lista).",
    ),
    (
        "fix.consent.not_email_channel",
        "Envía correos solo a los contactos que aceptaron el correo electrónico, o pide antes a los demás su consentimiento; omite la columna de canal solo si todos aceptaron el correo.",
    ),
    (
        "fix.consent.opted_out",
        "No importes este contacto. Mantenlo en tu lista de exclusión.",
    ),
    (
        "fix.consent.suppressed",
        "No importes este contacto: se dio de baja después de este consentimiento. Elimina la fila; impórtalo solo con un consentimiento posterior a la baja.",
    ),
    (
        "fix.consent.double_opt_in_before_opt_in",
        "Corrige, según tus registros, la fecha del consentimiento o la de la confirmación (comprueba si el día y el mes están intercambiados).",
    ),
    (
        "fix.consent.inferred_text_opt_in",
        "Pon OptedOut a yes para los contactos que no pueden recibir SMS o no los aceptaron; no para los que sí.",
    ),
    (
        "fix.age.missing",
        "Escribe la fecha de nacimiento (2001-07-14) o la edad en años cumplidos.",
    ),
    (
        "fix.age.under_minimum",
        "No importes este contacto hasta que alcance la edad mínima.",
    ),
    (
        "fix.flag.invalid_boolean",
        "Escribe true o false, o yes o no (los perfiles distintos de mongoose también leen y/n y 1/0).",
    ),
    (
        "fix.staff.missing",
        "Rellena el StaffId de cada contacto (y sigue enviándolo en cada importación) si los contactos están asignados a personal; omítelo solo para borrar las asignaciones.",
    ),
    (
        "fix.staff.unknown",
        "Usa un StaffId que exista en tu cuenta o deja la celda vacía.",
    ),
    // 6. Descargas.
    ("downloads.title", "6. Descargas"),
    (
        "downloads.intro",
        "Estos archivos se han generado en tu navegador; no se ha subido nada.",
    ),
    ("downloads.rows.one", "({n} fila)"),
    ("downloads.rows.other", "({n} filas)"),
    ("downloads.next", "Siguiente: pruebas de consentimiento"),
    (
        "downloads.file.clean",
        "Archivo limpio: las filas importables, normalizadas",
    ),
    (
        "downloads.file.errors",
        "Archivo de errores: las filas rechazadas tal como las escribiste, con una columna de errores; corrígelas y vuelve a importarlas",
    ),
    ("downloads.file.segment", "Segmento «{channel}»: {meaning}"),
    (
        "downloads.file.report",
        "Informe: todas las incidencias y sus recuentos, tal como los muestra `listgate check --json`",
    ),
    (
        "downloads.file.batches",
        "Lotes de importación propuestos: un primer lote pequeño y después otros más grandes",
    ),
    (
        "downloads.file.changes",
        "Tus cambios: cada celda que editaste, antes y después, con los datos de consentimiento marcados",
    ),
    (
        "downloads.updating",
        "Los archivos se están generando de nuevo con tus últimos cambios; aparecerán aquí enseguida.",
    ),
    // 7. Pruebas.
    (
        "evidence.missing.updating",
        "espera a que la lista se compruebe de nuevo con tus últimos cambios",
    ),
    (
        "evidence.title",
        "7. Pruebas del consentimiento y declaración",
    ),
    ("evidence.wording", "Texto exacto del consentimiento"),
    (
        "evidence.wording_hint",
        "Pega, palabra por palabra, la frase que aceptaron los contactos.",
    ),
    (
        "evidence.source",
        "Dónde dieron su consentimiento los contactos",
    ),
    (
        "evidence.source_hint",
        "Una dirección web, una tienda, un evento…",
    ),
    ("evidence.capture", "Cómo se obtuvo el consentimiento"),
    (
        "evidence.capture_hint",
        "P. ej., una casilla no marcada de antemano en la página de pago.",
    ),
    ("evidence.double_opt_in", "Doble confirmación (si la usas)"),
    (
        "evidence.double_opt_in_hint",
        "Cómo confirmaron los contactos, p. ej., respondiendo a un mensaje de confirmación.",
    ),
    (
        "evidence.files",
        "Archivos de prueba (capturas de pantalla o PDF del consentimiento)",
    ),
    (
        "evidence.sources_intro",
        "Sus contactos importables dieron su consentimiento a través de estos orígenes. Adjunte una captura de pantalla o un PDF de cada uno: el formulario, la página, la hoja de registro.",
    ),
    ("evidence.source_blank", "(sin origen indicado)"),
    ("evidence.source_contacts.one", "{n} contacto"),
    ("evidence.source_contacts.other", "{n} contactos"),
    ("evidence.add_for_source", "Pruebas de {source}"),
    ("evidence.source_files.one", "{n} archivo adjunto"),
    ("evidence.source_files.other", "{n} archivos adjuntos"),
    ("evidence.source_no_files", "todavía sin pruebas"),
    (
        "evidence.other_sources.one",
        "{n} contacto más dio su consentimiento por otro origen: adjunte sus pruebas abajo e indique el origen.",
    ),
    (
        "evidence.other_sources.other",
        "{n} contactos más dieron su consentimiento por otros orígenes: adjunte sus pruebas abajo e indique cada origen.",
    ),
    (
        "evidence.files_source",
        "Origen del consentimiento que muestran estos archivos",
    ),
    ("evidence.add_files", "Añadir archivos"),
    ("evidence.file", "{name} ({size}, {source})"),
    ("evidence.file_source", "origen: {source}"),
    ("evidence.file_no_source", "sin origen indicado"),
    ("evidence.remove", "Quitar"),
    ("evidence.remove_file", "Quitar {name}"),
    ("evidence.self_check", "Autoevaluación"),
    (
        "evidence.self_check.wording_names_whatsapp",
        "El texto de consentimiento menciona expresamente WhatsApp (y nuestra empresa).",
    ),
    (
        "evidence.self_check.timestamp_and_source",
        "Cada contacto tiene su propia fecha y hora de consentimiento y su propio origen.",
    ),
    (
        "evidence.self_check.channel_clarity",
        "Los contactos que solo aceptaron SMS o correo electrónico están separados de los de WhatsApp.",
    ),
    (
        "evidence.self_check.unknowns_excluded",
        "Los contactos sin canal registrado quedan fuera de la importación de WhatsApp.",
    ),
    (
        "evidence.self_check.wording_names_sms",
        "El texto de consentimiento menciona los mensajes de texto (SMS) y nuestra empresa, como exige la TCPA.",
    ),
    (
        "evidence.self_check.recent_subscribers",
        "Hemos enviado mensajes a todos los contactos en los últimos 6 meses.",
    ),
    (
        "evidence.self_check.age_or_birth_date",
        "Cada contacto tiene una edad o una fecha de nacimiento.",
    ),
    (
        "evidence.self_check.sms_capable_numbers",
        "Los números son móviles que pueden recibir SMS, no fijos.",
    ),
    (
        "evidence.self_check.wording_names_email",
        "El texto de consentimiento menciona expresamente el correo electrónico (y nuestra empresa).",
    ),
    (
        "evidence.gdpr",
        "Todos los contactos dieron su consentimiento, conforme al RGPD, para recibir nuestros correos electrónicos, y podemos demostrarlo.",
    ),
    ("evidence.missing", "Antes de enviar, tienes que:"),
    (
        "evidence.missing.importable",
        "conseguir al menos una fila importable: corrige el archivo de errores y vuelve a comprobarlo",
    ),
    (
        "evidence.missing.wording",
        "pegar el texto exacto del consentimiento",
    ),
    (
        "evidence.missing.source",
        "indicar dónde dieron su consentimiento los contactos",
    ),
    (
        "evidence.missing.capture",
        "describir cómo se obtuvo el consentimiento",
    ),
    (
        "evidence.missing.files",
        "adjuntar al menos una captura de pantalla o un PDF del consentimiento",
    ),
    (
        "evidence.missing.source_files",
        "adjuntar pruebas de {source} ({contacts})",
    ),
    ("evidence.missing.confirm", "confirmar: {question}"),
    (
        "evidence.missing.gdpr",
        "confirmar la declaración de consentimiento del RGPD",
    ),
    ("evidence.build", "Generar el paquete de envío"),
    (
        "evidence.package_note",
        "El paquete contiene tus respuestas y la lista de archivos de prueba (guarda una copia); «Enviar a listgate» lo envía junto con clean.csv y los archivos de prueba.",
    ),
    ("evidence.submit_legend", "Envío"),
    ("evidence.api_key", "Tu clave de API de listgate"),
    (
        "evidence.api_key_hint",
        "Solo se envían el archivo limpio, tus respuestas y los archivos de prueba; nunca las filas rechazadas.",
    ),
    ("evidence.submitting", "Enviando…"),
    ("evidence.submit", "Enviar a listgate"),
    // El envío, después de enviarlo.
    ("status.title", "Tu envío"),
    ("status.reference", "Referencia"),
    ("status.pending_review", "Pendiente de revisión"),
    (
        "status.changes_requested",
        "Se piden cambios: añade abajo lo que falta",
    ),
    (
        "status.approved",
        "Aprobado: la importación empieza cuando un revisor confirme el plan",
    ),
    ("status.importing", "Importando por lotes"),
    ("status.imported", "Importado"),
    (
        "status.rejected",
        "Rechazado: más abajo verás lo que faltaba",
    ),
    ("status.missing", "Lo que falta:"),
    (
        "status.reason.no_explicit_whatsapp_opt_in",
        "un consentimiento que mencione WhatsApp expresamente: muestra el texto de consentimiento que aceptaron los contactos",
    ),
    (
        "status.reason.insufficient_proof",
        "pruebas del consentimiento: capturas de pantalla o un PDF del formulario, con la fecha, la hora y el origen de cada contacto",
    ),
    (
        "status.reason.mixed_channel_consent",
        "una lista que solo tenga contactos que aceptaron WhatsApp: deja fuera los que solo aceptaron SMS o correo electrónico y los de canal desconocido",
    ),
    (
        "status.reason.formatting",
        "un archivo con el formato requerido: vuelve a comprobarlo con listgate y envía el archivo limpio",
    ),
    (
        "status.reason.no_sms_consent_wording",
        "un consentimiento para SMS obtenido conforme a la TCPA: muestra el texto que menciona los mensajes de texto y tu empresa",
    ),
    (
        "status.reason.not_recent",
        "solo suscriptores recientes: deja fuera los contactos a los que no has enviado mensajes en los últimos 6 meses",
    ),
    (
        "status.reason.no_age_or_birth_date",
        "una edad o fecha de nacimiento para cada contacto, para confirmar que tiene la edad necesaria",
    ),
    (
        "status.reason.not_sms_capable",
        "solo números móviles que puedan recibir SMS: deja fuera los fijos y los números que no reciben mensajes de texto",
    ),
    (
        "status.reason.no_gdpr_consent",
        "pruebas del consentimiento conforme al RGPD y para la elaboración de perfiles: el texto y el formulario donde los contactos aceptaron recibir correos comerciales",
    ),
    ("status.note", "Nota del revisor:"),
    (
        "status.import_progress.one",
        "{imported} de {n} contacto importado",
    ),
    (
        "status.import_progress.other",
        "{imported} de {n} contactos importados",
    ),
    ("status.imported_label", "Contactos importados"),
    ("status.batch", "Lote"),
    ("status.contacts", "Contactos"),
    ("status.status", "Estado"),
    ("status.batch.queued", "en cola"),
    ("status.batch.running", "en curso"),
    ("status.batch.done", "completado"),
    ("status.batch.failed", "fallido"),
    ("status.batch_imported", "Importados"),
    ("status.batch_failed", "Fallidos"),
    ("status.history", "Historial de la revisión"),
    ("status.verdict.approved", "Aprobado"),
    ("status.verdict.changes_requested", "Se pidieron cambios"),
    ("status.verdict.rejected", "Rechazado"),
    (
        "status.excluded",
        "Fuera de la importación: {what} ({contacts})",
    ),
    ("status.excluded_segment", "el segmento {segment}"),
    ("status.excluded_contacts.one", "{n} contacto"),
    ("status.excluded_contacts.other", "{n} contactos"),
    ("status.amendments", "Añadido tras la revisión"),
    ("status.amendment", "{when}: {what}"),
    ("status.amendment.files.one", "{n} archivo de prueba"),
    ("status.amendment.files.other", "{n} archivos de prueba"),
    (
        "status.amendment.consent",
        "nuevas respuestas sobre el consentimiento",
    ),
    ("status.amendment.clean", "un archivo limpio corregido"),
    ("status.amendment.note", "Nota:"),
    ("status.amend.title", "Añade lo que pidió el revisor"),
    (
        "status.amend.sources",
        "Los orígenes de tu lista: {sources}",
    ),
    ("status.amend.note", "Nota para el revisor (opcional)"),
    (
        "status.amend.note_hint",
        "Qué has añadido y cualquier cosa que el revisor deba saber.",
    ),
    ("status.amend.submit", "Enviar al revisor"),
    (
        "status.amend.clean.one",
        "Enviar la lista tal como la corregiste aquí ({n} contacto): sustituye a la enviada y se vuelve a comprobar",
    ),
    (
        "status.amend.clean.other",
        "Enviar la lista tal como la corregiste aquí ({n} contactos): sustituye a la enviada y se vuelve a comprobar",
    ),
    (
        "status.amend.consent",
        "Cómo dieron su consentimiento tus contactos (corrige lo que preguntó el revisor)",
    ),
    (
        "status.amend.answers",
        "Respuestas que ahora puedes contestar con \"sí\" (el revisor las verá como respuestas nuevas)",
    ),
    ("status.import", "Importación"),
    ("status.plan.first", "Primer lote"),
    ("status.plan.growth", "Cada lote siguiente"),
    ("status.plan.steady", "del mismo tamaño que el anterior"),
    ("status.plan.times", "{growth} veces el anterior"),
    ("status.plan.cap", "Lote más grande"),
    ("status.plan.interval", "Entre lotes"),
    ("status.plan.daily_cap", "Máximo de contactos al día"),
    ("status.plan.no_daily_cap", "sin límite"),
    ("status.interval.days.one", "{n} día"),
    ("status.interval.days.other", "{n} días"),
    ("status.interval.hours.one", "{n} hora"),
    ("status.interval.hours.other", "{n} horas"),
    ("status.interval.minutes.one", "{n} minuto"),
    ("status.interval.minutes.other", "{n} minutos"),
    ("status.interval.seconds.one", "{n} segundo"),
    ("status.interval.seconds.other", "{n} segundos"),
    ("status.paused", "En pausa por un revisor"),
    ("status.paused_because", "En pausa: {reason}"),
    ("status.failed_rows.one", "{n} fila falló al importarse"),
    (
        "status.failed_rows.other",
        "{n} filas fallaron al importarse",
    ),
    ("status.failures_download", "Descargar failures.csv"),
    (
        "status.awaiting_signals",
        "El siguiente lote espera el informe de la plataforma de mensajería sobre el lote {batch}",
    ),
    ("status.next_batch_due", "Próximo lote: {when}"),
    ("status.completed", "Importación completada: {when}"),
    ("status.confirmations", "Confirmaciones"),
    (
        "status.confirmations.hint",
        "La plataforma de mensajería pide a cada contacto importado que confirme; solo se unen quienes lo hacen.",
    ),
    ("status.confirmations.awaiting", "Pendientes de confirmar"),
    ("status.confirmations.confirmed", "Confirmados"),
    ("status.confirmations.opted_out", "Dados de baja"),
    ("status.refresh", "Actualizar"),
];
