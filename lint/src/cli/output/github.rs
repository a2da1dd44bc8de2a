//! The GitHub Actions format: one workflow command per finding,
//! `::warning file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::MESSAGE`, escaped as the
//! Actions toolkit's `escapeData` / `escapeProperty` do.

use std::io::{self, Write};

use super::report::Report;
use crate::Level;

/// Escapes a command's message: `%`, `\r`, `\n`.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as [`escape_data`], plus `:` and `,`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.files {
        for d in &f.diagnostics {
            let command = match d.level {
                Level::Warn => "warning",
                Level::Deny => "error",
            };
            let (s, e) = (d.primary.span.start, d.primary.span.end);
            let mut message = d.message.clone();
            for n in &d.notes {
                message.push_str(&format!("\nnote: {n}"));
            }
            if let Some(h) = &d.help {
                message.push_str(&format!("\nhelp: {h}"));
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&f.display),
                s.line,
                s.column,
                e.line,
                e.column,
                escape_property(&format!("aio::{}", d.rule)),
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_the_actions_toolkit() {
        assert_eq!(
            escape_data("100% done\r\nnext: a,b"),
            "100%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("aio::x, y\n%"), "aio%3A%3Ax%2C y%0A%25");
        // `%` first, so that escapes are not escaped twice.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_property("C:\\a b,c.rs"), "C%3A\\a b%2Cc.rs");
    }
}
