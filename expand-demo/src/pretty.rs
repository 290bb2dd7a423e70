//! Printing an expansion like rustfmt would. `prettyplease` leaves macro bodies as written, so
//! the state enum inside `pin_project! { .. }` is printed as the enum it is, then put back.

use syn::visit_mut::VisitMut;

const MARKER: &str = "__visible_async_pin_project_body";

/// Formats a file, including the enum inside each `pin_project!`.
#[must_use]
pub fn unparse(file: &syn::File) -> String {
    let mut file = file.clone();
    let mut bodies = Collect(Vec::new());
    bodies.visit_file_mut(&mut file);
    let mut text = prettyplease::unparse(&file);
    for (i, body) in bodies.0.iter().enumerate() {
        let placeholder = format!("{MARKER}!({i});");
        let Some(at) = text.find(&placeholder) else {
            continue;
        };
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let indent = " ".repeat(at - line_start);
        let inner: String = body
            .lines()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("{indent}    {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let block = format!("::visible_async::__private::pin_project! {{\n{inner}\n{indent}}}");
        text.replace_range(at..at + placeholder.len(), &block);
    }
    text
}

/// Replaces each `pin_project! { enum .. }` statement with a numbered placeholder and keeps
/// the enum, formatted.
struct Collect(Vec<String>);

impl VisitMut for Collect {
    fn visit_stmt_mut(&mut self, stmt: &mut syn::Stmt) {
        if let syn::Stmt::Macro(m) = stmt {
            let is_pin_project = m
                .mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "pin_project");
            if let (true, Ok(item)) = (
                is_pin_project,
                syn::parse2::<syn::Item>(m.mac.tokens.clone()),
            ) {
                let formatted = prettyplease::unparse(&syn::parse_quote!(#item));
                let index = self.0.len();
                self.0.push(formatted.trim_end().to_string());
                let marker = syn::Ident::new(MARKER, proc_macro2::Span::call_site());
                let index = proc_macro2::Literal::usize_unsuffixed(index);
                *stmt = syn::parse_quote!(#marker!(#index););
                return;
            }
        }
        syn::visit_mut::visit_stmt_mut(self, stmt);
    }
}
