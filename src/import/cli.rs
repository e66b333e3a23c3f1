//! `infusion-faq corpus import SOURCE [--id ID] [--dry-run]`: the page at a
//! link, or a saved `.html` file, made an article file, previewed, and
//! added like `corpus add` (validated, written atomically, versioned,
//! audited, live at once). `--dry-run` prints the file and the preview and
//! writes nothing. Everything that comes from the page is printed through
//! [`printable`], never raw.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use super::{convert, decode, is_html_file_name, today, ImportError, Imported};
use crate::cli::corpus::Warnings;
use crate::cli::plain::printable;
use crate::config::Config;
use crate::moderation::change::ChangeRequest;
use crate::moderation::store::{CorpusStore, ModerationError, Preview};
use crate::storage::read::{read_capped, ReadError};

/// Whether SOURCE is a web address rather than a file.
pub fn is_address(source: &str) -> bool {
    source.contains("://")
}

/// Reads SOURCE (fetched, or from disk) and makes the article file.
pub fn prepare(config: &Config, source: &str, id: Option<&str>) -> Result<Imported> {
    let (html, fetched, undecodable) = if is_address(source) {
        #[cfg(feature = "web")]
        {
            use anyhow::Context as _;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the HTTP client")?;
            let page = runtime
                .block_on(super::fetch_page(source, &config.import))
                .map_err(ImportError::from)?;
            let (html, bad) = decode(&page.bytes, page.charset.as_deref());
            (html, Some(page.url), bad)
        }
        #[cfg(not(feature = "web"))]
        {
            let _ = &config.import;
            return Err(ImportError::NoWeb.into());
        }
    } else {
        let path = Path::new(source);
        if !is_html_file_name(source) {
            return Err(ImportError::NotHtmlFile(printable(source).into_owned()).into());
        }
        let bytes = read_capped(path, super::MAX_PAGE_BYTES as u64).map_err(|err| match err {
            ReadError::TooLarge { .. } => ImportError::FileTooLarge(path.display().to_string()),
            other => ImportError::Read(other),
        })?;
        let (html, bad) = decode(&bytes, None);
        (html, None, bad)
    };
    let mut imported = convert(&html, fetched.as_ref(), id, &today())?;
    if undecodable {
        imported.warnings.push(
            "some of the page's bytes are not text in its character set: check the words"
                .to_string(),
        );
    }
    Ok(imported)
}

/// The preview, as `corpus import` prints it.
pub fn write_preview(preview: &Preview, out: &mut dyn Write) -> std::io::Result<()> {
    let line = |out: &mut dyn Write, text: String| writeln!(out, "{}", printable(&text));
    line(
        out,
        format!("import: {:?} ({})", preview.title, preview.publisher),
    )?;
    line(out, format!("  source: {}", preview.url))?;
    line(out, format!("  id: {}", preview.id))?;
    line(
        out,
        format!(
            "  {}:",
            crate::text::count(preview.sections.len(), "section")
        ),
    )?;
    for section in &preview.sections {
        line(out, format!("    - {section}"))?;
    }
    line(
        out,
        format!("  {}", crate::text::count(preview.passages, "passage")),
    )?;
    for warning in &preview.warnings {
        line(out, format!("  warning: {warning}"))?;
    }
    Ok(())
}

/// Runs `corpus import`.
pub fn import(
    config: &Config,
    source: &str,
    id: Option<&str>,
    dry_run: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let imported = prepare(config, source, id)?;
    let store = CorpusStore::new(&config.corpus);
    let bytes = imported.markdown.as_bytes();
    if dry_run {
        // The file as it would be written, escaped for a terminal.
        write!(out, "{}", printable(&imported.markdown))?;
        writeln!(out)?;
    }
    let mut preview = match store.preview_add(&imported.file_name, bytes) {
        Ok(preview) => preview,
        Err(ModerationError::Exists(existing)) if id.is_none() => anyhow::bail!(
            "an article with the id {:?} already exists: import the page under another id with --id ID, or change that article with replace",
            printable(&existing)
        ),
        Err(err) => return Err(err.into()),
    };
    let mut warnings = imported.warnings.clone();
    warnings.append(&mut preview.warnings);
    preview.warnings = warnings;
    write_preview(&preview, out)?;
    if dry_run {
        writeln!(out, "dry run: nothing written")?;
        return Ok(());
    }
    let request = ChangeRequest::Add {
        file_name: imported.file_name,
        bytes: imported.markdown.into_bytes(),
    };
    crate::cli::corpus::make(config, request, Warnings::Shown, out)
}
