//! The command-line side of `cargo aio-lint`: discovery, configuration, suppression,
//! output formats. Everything here may do I/O; nothing here knows about a rule.
