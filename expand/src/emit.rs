//! Assembles the expansion: the signature, the state enum, its `StateMachine` impl, and the
//! poll closure built from the lowered arms.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use crate::analyse::Analysis;
use crate::lower::{ArmCode, Field, Key, Lowerer, hidden};
use crate::signature::Signature;

/// `event ()` → `event()`: token text tidied for a doc line.
pub fn tidy_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            let glue_before = matches!(
                next,
                '(' | ')' | '[' | ']' | '.' | ',' | ';' | '?' | ':' | '!'
            ) && !(next == ':' && prev == ':')
                && !(next == '!' && prev == '=');
            let glue_after = matches!(prev, '(' | '[' | '.' | '&' | '!' | '#')
                || (prev == ':' && i >= 2 && chars[i - 2] == ':');
            if glue_before || glue_after {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Names the enum's type parameters: one per saved value and one per awaited future.
struct TypeParams {
    names: HashMap<Key, syn::Ident>,
    order: Vec<syn::Ident>,
}

impl TypeParams {
    fn get(&mut self, key: Key, field: &syn::Ident) -> syn::Ident {
        if let Some(name) = self.names.get(&key) {
            return name.clone();
        }
        let base = match key {
            Key::Binding(_) => format!("T{}", camel(&field.to_string())),
            Key::Temp(n) => format!("TTmp{n}"),
            Key::Iter(n) => format!("TIter{n}"),
        };
        let ident = self.fresh(&base);
        self.names.insert(key, ident.clone());
        ident
    }

    fn fresh(&mut self, base: &str) -> syn::Ident {
        // `TA1` may be both the second `TA` and the first `a1`: count up until the name is free.
        let mut name = base.to_string();
        let mut count = 0;
        while self.order.iter().any(|i| *i == name) {
            count += 1;
            name = format!("{base}{count}");
        }
        let ident = syn::Ident::new(&name, Span::call_site());
        self.order.push(ident.clone());
        ident
    }
}

/// One argument of the function as the `Unresumed` variant stores it.
pub struct Param {
    pub key: Key,
    /// The identifier the arm binds the stored argument to.
    pub ident: syn::Ident,
    pub mutable: bool,
    /// The expression passing the argument into `Unresumed`.
    pub value: TokenStream,
    /// A method's receiver (`self` in the signature, `__self` in the state machine).
    pub receiver: bool,
}

/// The body as written and its analysis: what the copy that rustc checks is made from.
pub struct Written<'a> {
    pub body: &'a syn::Block,
    pub an: &'a Analysis,
    /// The parameters as written.
    pub inputs: &'a [&'a syn::FnArg],
    /// Pattern parameters are bound by `let`s at the start of the lowered body, which holds
    /// the user's body as a block of its own.
    pub params_bound_in_body: bool,
}

#[allow(clippy::too_many_lines)]
pub fn emit(
    sig: &Signature,
    an: &Analysis,
    params: &[Param],
    body: &syn::Block,
    written: &Written<'_>,
    option_try: bool,
    hoisted: &[syn::Item],
) -> Result<TokenStream, Vec<syn::Error>> {
    let name = enum_name(&sig.ident, &sig.mentioned);
    let proj = format_ident!("{}Proj", name);
    let replace = format_ident!("{}Replace", name);

    // Generated locals are hygienic: user code can neither see nor shadow them.
    let (state, cx, awaitee) = (hidden("__state"), hidden("__cx"), hidden("future"));
    let lower_params: Vec<(Key, syn::Ident, bool)> = params
        .iter()
        .map(|p| (p.key, p.ident.clone(), p.mutable))
        .collect();

    // Lowering finds the bindings that a newer one shadows while both are kept; they get
    // hidden names and the body is lowered again (each round renames at least one more).
    // Likewise it finds the locals that a value kept across an `.await` may borrow: they get
    // a pinned home and the body is lowered again.
    let borrows = crate::borrows::borrows(an, body);
    let mut homed: HashMap<usize, String> = HashMap::new();
    let mut renamed: HashMap<usize, syn::Ident> = HashMap::new();
    // The fields of each state, as the last round found them: an arm generated before the
    // first code that suspends at its own point (a loop's body, written at the join point at
    // its head, which comes later) reads them from here; rounds go on until they agree.
    let mut known_variants: Vec<Option<Vec<crate::lower::Field>>> = Vec::new();
    let mut variant_rounds = 0;
    let (lowerer, unresumed_code, resume_codes) = loop {
        let mut lowerer = Lowerer::new(an, &borrows, name.clone(), option_try);
        lowerer.known_variants.clone_from(&known_variants);
        lowerer.unit_output = sig.unit_output;
        // With pattern parameters bound in the body, the user's body is a block of its own
        // inside it, already spanned as written.
        lowerer.tail_in_users_block = !written.params_bound_in_body;
        lowerer.user_tail = user_tail(body, written.params_bound_in_body);
        lowerer.renamed.clone_from(&renamed);
        lowerer.set_homed(&homed.keys().copied().collect());
        let unresumed_code = lowerer.unresumed(&lower_params, body);
        let resume_codes: Vec<ArmCode> = (0..an.awaits.len())
            .map(|k| lowerer.resume(k, &lower_params, body))
            .collect();
        let mut fresh: Vec<usize> = lowerer
            .discovered
            .iter()
            .copied()
            .filter(|b| !renamed.contains_key(b))
            .collect();
        // In binding order, so that the hidden names are the same on every expansion.
        fresh.sort_unstable();
        let unhomed: Vec<(usize, String)> = lowerer
            .needs_home
            .iter()
            .filter(|(b, _)| !homed.contains_key(b))
            .map(|(b, why)| (*b, why.clone()))
            .collect();
        let settled = fresh.is_empty() && unhomed.is_empty();
        let field_names = |variants: &[Option<Vec<crate::lower::Field>>]| {
            variants
                .iter()
                .map(|v| {
                    v.as_ref().map(|fields| {
                        fields
                            .iter()
                            .map(|f| f.name.to_string())
                            .collect::<Vec<_>>()
                    })
                })
                .collect::<Vec<_>>()
        };
        let variants_agree = !lowerer.read_earlier_variant
            || field_names(&lowerer.variants) == field_names(&known_variants)
            || variant_rounds > an.awaits.len();
        if (settled && variants_agree) || !lowerer.errors.is_empty() {
            break (lowerer, unresumed_code, resume_codes);
        }
        // The fields are those of this round's names and homes: kept only if they stay.
        if settled {
            variant_rounds += 1;
            known_variants.clone_from(&lowerer.variants);
        } else {
            known_variants.clear();
        }
        homed.extend(unhomed);
        for b in fresh {
            let original = an.bindings[b].ident.to_string();
            let original = original.trim_start_matches("r#");
            renamed.insert(b, hidden(&format!("{original}_shadowed{}", renamed.len())));
        }
    };
    if !lowerer.errors.is_empty() {
        return Err(lowerer.errors);
    }

    let mut types = TypeParams {
        names: HashMap::new(),
        order: Vec::new(),
    };

    // `Unresumed`: the arguments, in order.
    let unresumed_fields: Vec<(syn::Ident, syn::Ident)> = params
        .iter()
        .map(|p| {
            let field = field_ident(&p.ident);
            let ty = types.get(p.key, &field);
            (field, ty)
        })
        .collect();

    // `SuspendN`: the awaited future, then the saved values in the order they are dropped.
    let mut variants = Vec::new();
    let mut suspend_arms = Vec::new();
    let mut state_names = Vec::new();
    let mut await_points = Vec::new();
    let mut layouts = vec![variant_layout(
        "Unresumed",
        unresumed_fields
            .iter()
            .map(|(f, t)| (f.to_string(), quote!(#t), quote!(Argument))),
    )];
    for (k, point) in an.awaits.iter().enumerate() {
        let fields: Vec<Field> = lowerer.variants[k].clone().unwrap_or_default();
        let variant = an.variant_name(k);
        let mut decls = Vec::new();
        let mut layout = Vec::new();
        if !point.join {
            let future_ty = types.fresh(&format!("F{}", &variant.to_string()["Suspend".len()..]));
            decls.push(quote!(#[pin] __awaitee: #future_ty));
            layout.push((point.text.clone(), quote!(#future_ty), quote!(Awaited)));
        }
        for field in fields.iter().rev() {
            let ty = types.get(field.key, &field.name);
            let fname = &field.name;
            let shown = crate::receiver::shown(&fname.to_string()).to_string();
            if field.homed() {
                let remains = (field.homing == crate::lower::Homing::Parted)
                    .then(|| quote!(, ::visible_async::__private::Parts<#ty>));
                let guard = quote!(::visible_async::__private::HomeGuard<#ty #remains>);
                decls.push(quote!(#fname: #guard));
                layout.push((shown, guard, quote!(Guard)));
            } else {
                decls.push(quote!(#fname: #ty));
                layout.push((shown, quote!(#ty), quote!(Value)));
            }
        }
        layouts.push(variant_layout(&variant.to_string(), layout));
        let held: Vec<String> = fields
            .iter()
            .filter(|f| matches!(f.key, Key::Binding(_)))
            .map(|f| {
                if f.homed() {
                    let name = f.name.to_string();
                    format!("`{}` (in its pinned home)", crate::receiver::shown(&name))
                } else {
                    format!("`{}`", crate::receiver::shown(&f.name.to_string()))
                }
            })
            .collect();
        let location = location(point.span);
        let mut doc = if point.loop_head() {
            format!(
                " The head of the loop at {location}: every iteration starts here, so that the \
                 loop's body, which makes closures or `async` blocks, exists once."
            )
        } else if point.arm_start {
            format!(
                " The start of the arm `{}` ({location}), once the `match` chose it: the arm \
                 makes closures or `async` blocks, and the guards that await run the `match` \
                 again, so the arm's body exists once, here.",
                shorten(&point.text)
            )
        } else if point.join {
            format!(
                " Passed through after `{}` ({location}), where the paths out of its `.await`s meet, \
                 so that the code after it exists once.",
                shorten(&point.text)
            )
        } else {
            format!(" Suspended at `{}.await` ({location}).", point.text)
        };
        if !held.is_empty() {
            doc.push_str(" Holds ");
            doc.push_str(&held.join(", "));
            doc.push('.');
        }
        let decl = if decls.is_empty() {
            quote!(#variant)
        } else {
            quote!(#variant { #(#decls),* })
        };
        variants.push(quote! {
            #[doc = #doc]
            #decl
        });

        let pattern: Vec<TokenStream> = fields
            .iter()
            .map(|f| {
                let (fname, binding) = (&f.name, &f.binding);
                let mutability = binding_mutability(f);
                if binding == fname && matches!(f.key, Key::Binding(_)) {
                    quote!(#mutability #binding)
                } else {
                    quote!(#fname: #mutability #binding)
                }
            })
            .collect();
        let output = hidden("__output");
        let take = if decls.is_empty() {
            quote!(#replace::#variant)
        } else {
            quote!(#replace::#variant { #(#pattern,)* .. })
        };
        let take = quote! {
            let #take = #state.as_mut().project_replace(#name::Panicked) else {
                ::core::unreachable!()
            };
        };
        let param_keys: Vec<Key> = params.iter().map(|p| p.key).collect();
        let locals: Vec<TokenStream> = fields
            .iter()
            .filter(|f| !param_keys.contains(&f.key))
            .map(|f| {
                let binding = &f.binding;
                let mutability = binding_mutability(f);
                quote!(let #mutability #binding = #binding;)
            })
            .collect();
        let code = in_users_block(&take, &locals, &resume_codes[k], written);
        if point.join {
            suspend_arms.push(quote! {
                #proj::#variant { .. } => {
                    #code
                }
            });
        } else {
            suspend_arms.push(quote! {
                #proj::#variant { __awaitee: #awaitee, .. } => {
                    let #output = ::core::task::ready!(::core::future::Future::poll(#awaitee, #cx));
                    #code
                }
            });
            let (line, column) = line_column(point.span);
            let text = &point.text;
            await_points.push(quote! {
                Self::#variant { .. } => ::core::option::Option::Some(&::visible_async::__private::AwaitPoint {
                    expr: #text,
                    file: ::core::file!(),
                    line: #line,
                    column: #column,
                }),
            });
        }
        let variant_name = variant.to_string();
        state_names.push(quote!(Self::#variant { .. } => #variant_name,));
    }

    // Arms in the order the states are first entered from `Unresumed`: rustc type-checks the
    // closure top to bottom, so the arm that fills a state must come before the arm that reads
    // it (in straight code this is source order).
    let mut order: Vec<usize> = Vec::new();
    let mut frontier: Vec<Option<usize>> = vec![None];
    while let Some(from) = frontier.first().copied() {
        frontier.remove(0);
        for &(edge_from, to) in &lowerer.entered_from {
            if edge_from == from && !order.contains(&to) {
                order.push(to);
                frontier.push(Some(to));
            }
        }
    }
    let unreached: Vec<usize> = (0..an.awaits.len())
        .filter(|k| !order.contains(k))
        .collect();
    order.extend(unreached);
    let suspend_arms: Vec<TokenStream> = order.iter().map(|&k| suspend_arms[k].clone()).collect();

    let generics = &types.order;
    let generics_decl = if generics.is_empty() {
        quote!()
    } else {
        quote!(<#(#generics),*>)
    };

    // pin-project-lite rejects an enum whose variants are all unit-like (its projection's
    // `'__pin` would be unused, E0392): a function with neither arguments nor `.await`s gets
    // one `()` field in `Unresumed`.
    let all_unit = params.is_empty() && an.awaits.is_empty();
    let unresumed_decl = if all_unit {
        quote!(Unresumed { __no_arguments: () })
    } else if unresumed_fields.is_empty() {
        quote!(Unresumed)
    } else {
        let decls = unresumed_fields.iter().map(|(f, t)| quote!(#f: #t));
        quote!(Unresumed { #(#decls),* })
    };
    let unresumed_init = if all_unit {
        quote!(#name::Unresumed { __no_arguments: () })
    } else if params.is_empty() {
        quote!(#name::Unresumed)
    } else {
        let inits = params.iter().zip(&unresumed_fields).map(|(p, (f, _))| {
            let value = &p.value;
            if *f == value.to_string() {
                quote!(#value)
            } else {
                quote!(#f: #value)
            }
        });
        quote!(#name::Unresumed { #(#inits),* })
    };
    let unresumed_pattern = if all_unit {
        quote!(#replace::Unresumed { .. })
    } else if params.is_empty() {
        quote!(#replace::Unresumed)
    } else {
        let binds = params.iter().zip(&unresumed_fields).map(|(p, (f, _))| {
            let ident = match p.key {
                Key::Binding(b) => renamed.get(&b).unwrap_or(&p.ident),
                _ => &p.ident,
            };
            let mutability = p.mutable.then(|| quote!(mut));
            if matches!(p.key, Key::Binding(_)) && *f == *ident {
                quote!(#mutability #ident)
            } else {
                quote!(#f: #mutability #ident)
            }
        });
        quote!(#replace::Unresumed { #(#binds),* })
    };
    let unresumed_code = in_users_block(
        &quote! {
            let #unresumed_pattern = #state.as_mut().project_replace(#name::Panicked) else {
                ::core::unreachable!()
            };
        },
        &[],
        &unresumed_code,
        written,
    );

    let homes = homes(&lowerer, an, &homed, &name, &mut types);
    let home_layouts = lowerer.homed_sorted().map(|b| {
        let field = lowerer.field_ident(Key::Binding(b));
        let ty = types.get(Key::Binding(b), &field);
        field_layout(
            crate::receiver::shown(&field.to_string()),
            &quote!(::visible_async::__private::Home<#ty>),
            &quote!(Home),
        )
    });
    let home_layouts: Vec<TokenStream> = home_layouts.collect();
    let param = hidden("__homes");
    let (homes_decl, constructor, homes_init, homes_param) = match homes {
        Some((decl, init)) => (
            decl,
            quote!(with_homes),
            quote!(#init,),
            quote!(mut #param,),
        ),
        None => (
            TokenStream::new(),
            quote!(new),
            TokenStream::new(),
            TokenStream::new(),
        ),
    };
    let checked = checked_copy(written);
    let checked_output = if sig.opaque_output {
        quote!(::core::marker::PhantomData)
    } else {
        let output = &sig.output;
        quote!(::core::marker::PhantomData::<#output>)
    };

    let fn_name = sig.ident.to_string();
    let doc = format!(
        " The state machine of `{fn_name}`: one variant per point where it can be suspended."
    );
    let poll_label = lowerer.uses_poll_label.then(|| {
        let label = syn::Lifetime::new("'__poll", Span::mixed_site());
        quote!(#label:)
    });

    Ok(quote! {
        #(#hoisted)*
        ::visible_async::__private::pin_project! {
            #[doc = #doc]
            #[project = #proj]
            #[project_replace = #replace]
            #[allow(non_camel_case_types, clippy::large_enum_variant)]
            enum #name #generics_decl {
                /// Created but not yet polled: holds the arguments.
                #unresumed_decl,
                #(#variants,)*
                /// Finished: polling again panics.
                Returned,
                /// Panicked while running: polling again panics.
                Panicked,
            }
        }

        impl #generics_decl ::visible_async::__private::StateMachine for #name #generics_decl {
            const FUNCTION: &'static str = #fn_name;
            const RETURNED: Self = Self::Returned;
            const PANICKED: Self = Self::Panicked;

            fn state_name(&self) -> &'static str {
                match self {
                    Self::Unresumed { .. } => "Unresumed",
                    #(#state_names)*
                    Self::Returned => "Returned",
                    Self::Panicked => "Panicked",
                }
            }

            fn await_point(&self) -> ::core::option::Option<&'static ::visible_async::__private::AwaitPoint> {
                match self {
                    #(#await_points)*
                    _ => ::core::option::Option::None,
                }
            }

            const VARIANTS: &'static [::visible_async::__private::VariantLayout] = &[#(#layouts),*];
            const HOMES: &'static [::visible_async::__private::FieldLayout] = &[#(#home_layouts),*];
        }

        #homes_decl

        // The body as written, borrow-checked and linted as the `async fn` would be (never
        // run): it is what makes the homes' erased lifetimes sound, and the user's warnings
        // come from it, where the plain `async fn` has them.
        if ::visible_async::__private::never() {
            #[allow(clippy::all, clippy::pedantic)]
            let () = ::visible_async::__private::borrow_check(#checked_output, #checked);
            ::core::unreachable!()
        }
        #[allow(unused_mut, unused_variables, unused_assignments, unused_braces, unused_parens, unused_must_use, unreachable_code, unused_labels, clippy::needless_continue, clippy::never_loop, clippy::used_underscore_binding, clippy::diverging_sub_expression, clippy::needless_late_init, clippy::collapsible_if, clippy::while_immutable_condition, clippy::redundant_locals)]
        let future = ::visible_async::__private::VisibleFuture::#constructor(#unresumed_init, #homes_init |mut #state, #homes_param #cx| #poll_label loop {
            ::visible_async::__private::trace(&*#state);
            match #state.as_mut().project() {
                #proj::Unresumed { .. } => {
                    #unresumed_code
                }
                #(#suspend_arms)*
                #proj::Returned => ::visible_async::__private::resumed_after_completion(),
                #proj::Panicked => ::visible_async::__private::resumed_after_panicking(),
            }
        });
        future
    })
}

/// `mut` where the resume code binds a saved value mutably: a home's guard, or a mutable local
/// bound under its own name.
fn binding_mutability(f: &Field) -> Option<TokenStream> {
    (f.homed() || (f.mutable && !f.rebound && matches!(f.key, Key::Binding(_))))
        .then(|| quote!(mut))
}

/// An arm's code after its values are taken out of the state (`take`). One that ends with the
/// body's tail value becomes `take; return Poll::Ready({ let x = x; ..; code; tail })`, the
/// block spanned by the user's body, with the body's locals (`locals`, not the parameters)
/// moved into it: rustc drops a tail's temporaries before or after the block's locals by the
/// edition of the block's span (before in 2024, after in 2021), and after the parameters'
/// values in both, so they drop as in the user's `async fn`.
fn in_users_block(
    take: &TokenStream,
    locals: &[TokenStream],
    arm: &ArmCode,
    written: &Written<'_>,
) -> TokenStream {
    let (prelude, code) = (&arm.prelude, &arm.code);
    if !arm.ends_in_tail {
        return quote!(#take #prelude #code);
    }
    let mut block =
        proc_macro2::Group::new(proc_macro2::Delimiter::Brace, quote!(#(#locals)* #code));
    block.set_span(written.body.brace_token.span.join());
    quote!(#take #prelude return ::core::task::Poll::Ready(#block);)
}

/// The tail statement of the user's block: the body's, or with pattern parameters bound
/// before it, that of the block that holds the user's body (the body's tail).
fn user_tail(body: &syn::Block, params_bound_in_body: bool) -> Option<crate::analyse::NodeId> {
    fn tail(block: &syn::Block) -> Option<&syn::Stmt> {
        block
            .stmts
            .last()
            .filter(|stmt| matches!(stmt, syn::Stmt::Expr(_, None)))
    }
    let mut stmt = tail(body)?;
    if params_bound_in_body {
        let syn::Stmt::Expr(syn::Expr::Block(user), None) = stmt else {
            return None;
        };
        stmt = tail(&user.block)?;
    }
    Some(crate::analyse::node_id(stmt))
}

/// The struct of the pinned homes, beside the state, and the code that builds it; `None` if
/// nothing is borrowed across an `.await`.
fn homes(
    lowerer: &Lowerer<'_>,
    an: &Analysis,
    reasons: &HashMap<usize, String>,
    name: &syn::Ident,
    types: &mut TypeParams,
) -> Option<(TokenStream, TokenStream)> {
    let homed: Vec<usize> = lowerer.homed_sorted().collect();
    if homed.is_empty() {
        return None;
    }
    let homes = format_ident!("{}Homes", name);
    let mut params = Vec::new();
    let mut decls = Vec::new();
    let mut inits = Vec::new();
    let mut listed = Vec::new();
    for b in homed {
        let field = lowerer.field_ident(Key::Binding(b));
        let ty = types.get(Key::Binding(b), &field);
        params.push(ty.clone());
        decls.push(quote!(#[pin] #field: ::visible_async::__private::Home<#ty>));
        inits.push(quote!(#field: ::visible_async::__private::Home::empty()));
        let name = an.bindings[b].ident.to_string();
        let why = reasons.get(&b).map_or("", String::as_str);
        listed.push(format!("`{}`: {why}.", crate::receiver::shown(&name)));
    }
    // One doc line each, so that they print as `///` lines.
    let mut doc = vec![
        " Fixed places, pinned with the future, for the locals that must not move while the \
         future is suspended. The state holds a guard for each while it is alive, and the code \
         reaches the value as `HomeGuard::home(&mut x).value`:"
            .to_string(),
    ];
    doc.extend(listed.iter().map(|line| format!(" - {line}")));
    let decl = quote! {
        ::visible_async::__private::pin_project! {
            #(#[doc = #doc])*
            #[allow(non_camel_case_types)]
            struct #homes<#(#params),*> {
                #(#decls,)*
            }
        }
    };
    let init = quote! {
        // SAFETY: the homes are only reached through the guards that fill them.
        unsafe { #homes { #(#inits,)* } }
    };
    Some((decl, init))
}

/// The body as written, in an `async` block that never runs (in a branch that is reachable
/// as far as rustc can tell, and diverges): rustc type- and borrow-checks it like the `async
/// fn` it came from, and lints it. That makes the homes sound (their borrows have erased
/// lifetimes in the state machine), reports the body's own borrow errors as rustc reports
/// them, at the user's tokens, and gives the user's warnings (unused variables, needless
/// `mut`) where the plain `async fn` has them; the state machine allows those lints, which
/// its shape would get wrong.
fn checked_copy(written: &Written<'_>) -> TokenStream {
    use syn::visit::Visit;
    use syn::visit_mut::VisitMut;
    // Items hoisted to the top of the function (those of blocks with an `.await`) are already
    // in scope there, and an `impl` must not exist twice. Node identities are addresses: the
    // original is asked which blocks are split, the copy is edited in the same order.
    struct Split<'a> {
        an: &'a Analysis,
        split: Vec<bool>,
    }
    impl<'ast> Visit<'ast> for Split<'_> {
        fn visit_block(&mut self, block: &'ast syn::Block) {
            self.split.push(self.an.contains_await(block));
            syn::visit::visit_block(self, block);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    struct Strip(std::vec::IntoIter<bool>);
    impl VisitMut for Strip {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let hoisted = self.0.next().unwrap_or(false);
            syn::visit_mut::visit_block_mut(self, block);
            block.stmts.retain(|stmt| match stmt {
                syn::Stmt::Item(syn::Item::Impl(_)) => false,
                syn::Stmt::Item(_) => !hoisted,
                _ => true,
            });
        }
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    let Written {
        body, an, inputs, ..
    } = *written;
    let mut split = Split {
        an,
        split: Vec::new(),
    };
    split.visit_block(body);
    let mut copy = body.clone();
    Strip(split.split.into_iter()).visit_block_mut(&mut copy);
    // Arguments written as patterns arrive as `__argN`: bind them as the signature did.
    // Arguments declared `mut` are not `mut` in the signature (the state owns them): the
    // copy binds every plain argument again as written.
    // The copy reads the receiver as `self`, which the signature keeps as written.
    let bind = inputs.iter().enumerate().filter_map(|(i, input)| {
        let syn::FnArg::Typed(pt) = input else {
            return None;
        };
        match &*pt.pat {
            // Bound again with the user's tokens, so that an unused argument or a needless
            // `mut` is reported on them.
            syn::Pat::Ident(pi) if crate::params::is_plain(&pt.pat) => {
                let (mutability, ident) = (&pi.mutability, &pi.ident);
                Some(quote!(let #mutability #ident = #ident;))
            }
            pat => {
                let ident = crate::params::argument_ident(i, pat);
                let mutable = crate::params::has_ref_mut(pat).then(|| quote!(mut));
                Some(quote!(let #mutable #ident = #ident; let #pat = #ident;))
            }
        }
    });
    let stmts = &copy.stmts;
    quote!(async move { #(#bind)* #(#stmts)* })
}

/// `trivial` → `Trivial`; names that camel-case to nothing usable get a prefix, and a name the
/// function itself mentions (`async fn noisy` using a type `Noisy`) gets a `Future` suffix so
/// the local enum does not shadow it.
fn enum_name(ident: &syn::Ident, mentioned: &std::collections::HashSet<String>) -> syn::Ident {
    let mut name = camel(&ident.to_string());
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || name == "Self" {
        name.insert_str(0, "Fn");
    }
    while mentioned.contains(&name)
        || mentioned.contains(&format!("{name}Proj"))
        || mentioned.contains(&format!("{name}Replace"))
    {
        name.push_str("Future");
    }
    // Spanned at the function's name, so that compiler notes about the state ("required
    // because it appears within the type `HoldsRc<..>`") point at the user's function.
    syn::Ident::new(&name, ident.span())
}

/// A variant's entry in `StateMachine::VARIANTS`: its fields as (name, type, kind).
fn variant_layout(
    name: &str,
    fields: impl IntoIterator<Item = (String, TokenStream, TokenStream)>,
) -> TokenStream {
    let fields = fields
        .into_iter()
        .map(|(field, ty, kind)| field_layout(&field, &ty, &kind));
    quote! {
        ::visible_async::__private::VariantLayout { name: #name, fields: &[#(#fields),*] }
    }
}

fn field_layout(name: &str, ty: &TokenStream, kind: &TokenStream) -> TokenStream {
    quote! {
        ::visible_async::__private::FieldLayout {
            name: #name,
            size: ::core::mem::size_of::<#ty>(),
            kind: ::visible_async::__private::FieldKind::#kind,
        }
    }
}

/// A statement's text cut to a readable length for a doc line.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{cut}…")
}

fn field_ident(ident: &syn::Ident) -> syn::Ident {
    ident.clone()
}

fn line_column(span: Span) -> (u32, u32) {
    let start = span.start();
    (
        u32::try_from(start.line).unwrap_or(0),
        u32::try_from(start.column + 1).unwrap_or(0),
    )
}

fn location(span: Span) -> String {
    let (line, column) = line_column(span);
    let file = span.file();
    // Outside the compiler (the demo) spans come from a string, not a file.
    if file.is_empty() || file.starts_with('<') {
        format!("line {line}:{column}")
    } else {
        format!("{file}:{line}:{column}")
    }
}
