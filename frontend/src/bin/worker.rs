//! The checking worker's entry point (built by trunk as a web worker).

fn main() {
    listgate_frontend::worker::start();
}
