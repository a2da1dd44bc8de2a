//! The cancel safety of async operations: what is lost when a `select!` (or anything
//! else) drops one before it completes, after the cancel-safety sections of tokio's and
//! futures' documentation. Keyed by resolved path, trait methods under their trait's path;
//! [`method_cancel_safety`] answers for an extension-trait method called on a receiver of
//! unknown type.

/// What dropping an unfinished operation loses (tokio's "cancel safety").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CancelSafety {
    /// Nothing: dropping it and calling it again is the same as never having called it
    /// (`read`, `recv`, `accept`, `next`).
    Safe,
    /// Data: what was already read or written is lost with the future (`read_exact`,
    /// `write_all`, `copy`, an mpsc `send`'s message).
    LosesData,
    /// Its place in a fair queue, nothing else (`Mutex::lock`, `Semaphore::acquire`).
    LosesPlace,
}

/// Multi-byte number reads of tokio's `AsyncReadExt`: part of the number may be consumed.
const READ_NUMBERS: &[&str] = &[
    "read_u16",
    "read_i16",
    "read_u32",
    "read_i32",
    "read_u64",
    "read_i64",
    "read_u128",
    "read_i128",
    "read_f32",
    "read_f64",
    "read_u16_le",
    "read_i16_le",
    "read_u32_le",
    "read_i32_le",
    "read_u64_le",
    "read_i64_le",
    "read_u128_le",
    "read_i128_le",
    "read_f32_le",
    "read_f64_le",
];

/// Async operations by resolved path (trait methods under their trait's path), after the
/// cancel-safety sections of tokio's and futures' documentation.
const CANCEL_SAFETY: &[(&str, CancelSafety)] = {
    use CancelSafety::{LosesData, LosesPlace, Safe};
    &[
        ("tokio::io::AsyncReadExt::read", Safe),
        ("tokio::io::AsyncReadExt::read_buf", Safe),
        ("tokio::io::AsyncReadExt::read_u8", Safe),
        ("tokio::io::AsyncReadExt::read_i8", Safe),
        ("tokio::io::AsyncReadExt::read_exact", LosesData),
        ("tokio::io::AsyncReadExt::read_to_end", LosesData),
        ("tokio::io::AsyncReadExt::read_to_string", LosesData),
        ("tokio::io::AsyncBufReadExt::read_until", LosesData),
        ("tokio::io::AsyncBufReadExt::read_line", LosesData),
        ("tokio::io::Lines::next_line", Safe),
        ("tokio::io::Split::next_segment", Safe),
        ("tokio::io::AsyncWriteExt::write", Safe),
        ("tokio::io::AsyncWriteExt::write_buf", Safe),
        ("tokio::io::AsyncWriteExt::write_vectored", Safe),
        ("tokio::io::AsyncWriteExt::write_all", LosesData),
        ("tokio::io::AsyncWriteExt::write_all_buf", LosesData),
        ("tokio::io::copy", LosesData),
        ("tokio::io::copy_buf", LosesData),
        ("tokio::io::copy_bidirectional", LosesData),
        ("tokio::sync::mpsc::Receiver::recv", Safe),
        ("tokio::sync::mpsc::Receiver::recv_many", Safe),
        ("tokio::sync::mpsc::UnboundedReceiver::recv", Safe),
        ("tokio::sync::mpsc::UnboundedReceiver::recv_many", Safe),
        ("tokio::sync::mpsc::Sender::send", LosesData),
        ("tokio::sync::mpsc::Sender::reserve", LosesPlace),
        ("tokio::sync::broadcast::Receiver::recv", Safe),
        ("tokio::sync::watch::Receiver::changed", Safe),
        ("tokio::sync::Mutex::lock", LosesPlace),
        ("tokio::sync::RwLock::read", LosesPlace),
        ("tokio::sync::RwLock::write", LosesPlace),
        ("tokio::sync::Semaphore::acquire", LosesPlace),
        ("tokio::sync::Notify::notified", LosesPlace),
        ("tokio::net::TcpListener::accept", Safe),
        ("tokio::net::UnixListener::accept", Safe),
        ("tokio::net::UdpSocket::recv", Safe),
        ("tokio::net::UdpSocket::recv_from", Safe),
        ("tokio::net::UdpSocket::send", Safe),
        ("tokio::net::UdpSocket::send_to", Safe),
        ("tokio::net::TcpStream::readable", Safe),
        ("tokio::net::TcpStream::writable", Safe),
        ("tokio::signal::unix::Signal::recv", Safe),
        ("tokio::time::Interval::tick", Safe),
        ("tokio_stream::StreamExt::next", Safe),
        ("futures::stream::StreamExt::next", Safe),
        ("futures::io::AsyncReadExt::read", Safe),
        ("futures::io::AsyncReadExt::read_exact", LosesData),
        ("futures::io::AsyncReadExt::read_to_end", LosesData),
        ("futures::io::AsyncReadExt::read_to_string", LosesData),
        ("futures::io::AsyncBufReadExt::read_line", LosesData),
        ("futures::io::AsyncBufReadExt::read_until", LosesData),
        ("futures::io::AsyncWriteExt::write", Safe),
        ("futures::io::AsyncWriteExt::write_all", LosesData),
        ("futures::io::copy", LosesData),
    ]
};

/// Traits whose extension methods take any receiver: a method call of one of their names
/// is that method whatever the receiver's type (which the linter does not know).
const EXTENSION_TRAITS: &[&str] = &[
    "tokio::io::AsyncReadExt",
    "tokio::io::AsyncBufReadExt",
    "tokio::io::AsyncWriteExt",
    "tokio_stream::StreamExt",
    "futures::stream::StreamExt",
    "futures::io::AsyncReadExt",
    "futures::io::AsyncBufReadExt",
    "futures::io::AsyncWriteExt",
];

/// Every path of the cancel-safety table.
#[cfg(test)]
pub(crate) fn paths() -> impl Iterator<Item = &'static str> {
    CANCEL_SAFETY.iter().map(|(p, _)| *p)
}

/// The cancel safety of the async operation at a resolved path.
pub(crate) fn cancel_safety(path: &str) -> Option<CancelSafety> {
    if let Some(&(_, c)) = CANCEL_SAFETY.iter().find(|(p, _)| *p == path) {
        return Some(c);
    }
    let (tr, name) = path.rsplit_once("::")?;
    (tr == "tokio::io::AsyncReadExt" && READ_NUMBERS.contains(&name))
        .then_some(CancelSafety::LosesData)
}

/// The cancel safety of a method of an extension trait ([`EXTENSION_TRAITS`]) called by
/// name on a receiver of unknown type: known only when every extension trait that has a
/// method of that name agrees.
pub(crate) fn method_cancel_safety(name: &str) -> Option<CancelSafety> {
    let mut found = None;
    for tr in EXTENSION_TRAITS {
        let Some(&(_, c)) = CANCEL_SAFETY.iter().find(|(p, _)| {
            p.strip_prefix(tr)
                .and_then(|r| r.strip_prefix("::"))
                .is_some_and(|m| m == name)
        }) else {
            continue;
        };
        if found.is_some_and(|f| f != c) {
            return None;
        }
        found = Some(c);
    }
    if found.is_none() && READ_NUMBERS.contains(&name) {
        return Some(CancelSafety::LosesData);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokio_documented_cancel_safety() {
        use CancelSafety::*;
        for unsafe_op in [
            "read_exact",
            "read_to_end",
            "read_to_string",
            "read_line",
            "read_until",
            "write_all",
            "write_all_buf",
            "read_u32",
        ] {
            assert_eq!(
                method_cancel_safety(unsafe_op),
                Some(LosesData),
                "{unsafe_op}"
            );
        }
        for safe in ["read", "read_buf", "write", "next"] {
            assert_eq!(method_cancel_safety(safe), Some(Safe), "{safe}");
        }
        assert_eq!(cancel_safety("tokio::io::copy"), Some(LosesData));
        assert_eq!(
            cancel_safety("tokio::io::AsyncReadExt::read_i64_le"),
            Some(LosesData)
        );
        assert_eq!(
            cancel_safety("tokio::sync::mpsc::Receiver::recv"),
            Some(Safe)
        );
        assert_eq!(cancel_safety("tokio::sync::Mutex::lock"), Some(LosesPlace));
        assert_eq!(
            method_cancel_safety("recv"),
            None,
            "not an extension method"
        );
        assert_eq!(cancel_safety("tokio::io::AsyncReadExt::peek"), None);
    }
}
