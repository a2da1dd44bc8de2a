//! aio-macros: attribute macros for aio. Generated code names runtime items only
//! through `::aio::__private`.
