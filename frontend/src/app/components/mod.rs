//! One component per step, plus the small form controls they share.

pub mod changes;
pub mod check;
pub mod downloads;
pub mod evidence;
pub mod form;
pub mod ledger;
pub mod load;
pub mod map;
pub mod results;
pub mod review;
pub mod start;
pub mod status;
