//! What the caller tells the engine about a file: the crate's runtime, configured extra
//! blocking and offload functions, the package.

/// Which async runtime the linted crate uses; the help texts name its replacements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Runtime {
    /// aio (this project's runtime).
    Aio,
    /// tokio.
    Tokio,
    /// async-std.
    AsyncStd,
    /// smol.
    Smol,
    /// None of the above found: help texts name tokio's API as an example.
    #[default]
    Unknown,
}

/// Per-file inputs to [`analyze_file`](crate::analyze_file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileOptions {
    /// The runtime the file's crate depends on.
    pub runtime: Runtime,
    /// Extra blocking calls from the configuration. An entry with `::` (`my_crate::io::slow_read`,
    /// `Client::fetch_sync`) matches a call whose resolved path ends with it; an entry
    /// without `::` matches a free function or a method of that name. The rule is chosen
    /// from the path: `sleep` → `blocking_sleep`, `fs`/`file` → `blocking_fs`,
    /// `net`/`http`/`tcp`/`udp`/`socket` → `blocking_net`, `process`/`command` →
    /// `blocking_process`, anything else → `blocking_wait`.
    pub extra_blocking: Vec<String>,
    /// Extra functions whose closure arguments run elsewhere (off the event loop), matched
    /// like `extra_blocking`.
    pub extra_offload: Vec<String>,
    /// The cargo package the file belongs to (any stable id: the CLI passes cargo's package
    /// id). [`link`](crate::link) resolves a call by name alone (a method, or a path that did not
    /// resolve) only to definitions of the same package; paths resolve across packages.
    /// Files that all leave this `None` count as one package.
    pub package: Option<String>,
    /// The cargo workspace of the package (any stable id: the CLI passes the workspace's
    /// root folder, or the package's own folder when it is no member of one). A path into
    /// another package is followed only when both are in one workspace, so a package's
    /// findings do not depend on which other crates are linted in the same run. `None`
    /// on either side: followed.
    pub workspace: Option<String>,
    /// The Rust edition of the file's crate (`2015`, `2018`, `2021`, `2024`), from its
    /// Cargo.toml. A 2015-edition file that does not parse is parsed again with its
    /// edition-2015 syntax rewritten (bare `Fn(..)` trait objects, anonymous trait method
    /// parameters). `None`: a current edition.
    pub edition: Option<u16>,
}
