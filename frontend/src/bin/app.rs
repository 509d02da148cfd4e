//! The page's entry point.

fn main() {
    listgate_frontend::app::start();
}
