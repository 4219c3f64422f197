//! wenshan (文山): find redundant issuance (重复发文) and disguised issuance
//! (变相发文) among Chinese official documents.
//!
//! The library is a one-way pipeline, one module per stage:
//!
//! ```text
//! walk → read → normalize → parse → segment → fingerprint → index → verify → cluster → report
//! ```
//!
//! [`scan::scan`] wires the stages together; the `wenshan` binary only parses
//! arguments and calls it.

pub mod archive;
pub mod boilerplate;
pub mod check;
pub mod cluster;
pub mod config;
pub mod distributed;
pub mod document;
pub mod eval;
pub mod eval_white_header;
pub mod fingerprint;
pub mod gen;
pub mod index;
pub mod normalize;
pub mod output;
pub mod parse;
pub mod passage;
pub mod progress;
pub mod read;
pub mod reissue;
pub mod report;
pub mod reuse;
pub mod rules;
pub mod scan;
pub mod segment;
pub mod verify;
pub mod walk;

pub use document::{Date, Document, Genre, Structure};
