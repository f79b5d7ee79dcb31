//! An example host of google-ds, as a library so that the project's integration tests load
//! the shared library through the same code as the `host-example` program.

pub mod abi;
pub mod check;
pub mod demo;
pub mod hooks;
pub mod library;
pub mod print;
pub mod progress;
pub mod signin;
pub mod store;
