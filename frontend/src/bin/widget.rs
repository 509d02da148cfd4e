//! The widget's entry point: the two functions `listgate.js` calls. They
//! live in this binary because only a binary's own exports reach its
//! WebAssembly module; the work is in `listgate_frontend::widget`.

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

/// A mounted widget, for JavaScript.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Widget(listgate_frontend::widget::WidgetHandle);

#[wasm_bindgen]
impl Widget {
    /// Removes the widget from its element.
    pub fn destroy(&mut self) {
        self.0.destroy();
    }
}

/// Mounts the checker on `host` (see `listgate_frontend::widget::mount`).
#[wasm_bindgen]
pub fn mount(host: HtmlElement, options: &str, server: &str) -> Result<Widget, JsValue> {
    listgate_frontend::widget::mount(host, options, server).map(Widget)
}

fn main() {}
