//! `/account`: the signed-in user's own account — password change and "sign out everywhere".
//! Open to every role; the top bar leads back to the user's own home.

use leptos::prelude::*;

use crate::api::auth::{change_password, logout_everywhere, whoami};
use crate::components::*;
use crate::domain::*;

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <header class="topbar">
            <Suspense fallback=|| view! { <span class="brand">"Dropdock"</span> }>
                {move || {
                    let home = me.get().and_then(|r| r.ok()).flatten().map(|u| u.role.home_path()).unwrap_or("/");
                    view! { <a href=home class="brand">"Dropdock"</a> }
                }}
            </Suspense>
            <div class="spacer"></div>
            <SignOutButton/>
        </header>
        <main class="page narrow">
            <div class="page-head"><h1>"Your account"</h1></div>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || me.get().and_then(|r| r.ok()).flatten().map(|u| view! {
                    <div class="card account-who">
                        <div class="strong">{u.display_name.clone()}</div>
                        <div class="muted">{u.email.clone()}</div>
                        <div><span class="badge badge-draft" data-role=u.role.code()>{u.role.label()}</span></div>
                        <p><a href=u.role.home_path()>"← Back to work"</a></p>
                    </div>
                })}
            </Suspense>
            <PasswordForm/>
            <SignOutEverywhere/>
        </main>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let errors = RwSignal::new(ValidationErrors::default());
    let notice = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        // The same rule the server applies, so the answer comes before any request.
        let mut found = password_shape_errors(&new.get_untracked());
        if new.get_untracked() != repeat.get_untracked() {
            found.add("repeat_password", "The two new passwords differ");
        }
        if current.get_untracked().is_empty() {
            found.add("current_password", "Enter your current password");
        }
        errors.set(found.clone());
        if !found.is_empty() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match change_password(current.get_untracked(), new.get_untracked()).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    repeat.set(String::new());
                    notice.set(Some((true, "Password changed. Your other sessions were signed out.".into())));
                }
                Err(e) => match e.validation() {
                    Some(v) => errors.set(v.clone()),
                    None => notice.set(Some((false, error_text(&e)))),
                },
            }
            busy.set(false);
        });
    };
    let errors_signal = Signal::from(errors);
    view! {
        <form class="card fields" on:submit=submit>
            <h2>"Change password"</h2>
            {move || notice.get().map(|(ok, text)| view! {
                <div class=if ok { "notice notice-success" } else { "notice notice-error" } role="status">{text}</div>
            })}
            <div>
                <label for="current_password">"Current password"</label>
                <input id="current_password" type="password" autocomplete="current-password" bind:value=current/>
                <FieldError errors=errors_signal field="current_password"/>
            </div>
            <div>
                <label for="new_password">"New password"</label>
                <input id="new_password" type="password" autocomplete="new-password" bind:value=new/>
                <p class="hint">{format!("At least {MIN_PASSWORD_CHARS} characters. Every other session of yours is signed out.")}</p>
                <FieldError errors=errors_signal field=FIELD_NEW_PASSWORD/>
            </div>
            <div>
                <label for="repeat_password">"New password again"</label>
                <input id="repeat_password" type="password" autocomplete="new-password" bind:value=repeat/>
                <FieldError errors=errors_signal field="repeat_password"/>
            </div>
            <div>
                <button class="btn btn-primary" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Saving…" } else { "Change password" }}
                </button>
            </div>
        </form>
    }
}

/// The length/shape rule without the email (the server also refuses the email itself).
fn password_shape_errors(password: &str) -> ValidationErrors {
    validate_new_password("", password).err().unwrap_or_default()
}

#[component]
fn SignOutEverywhere() -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let run = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match logout_everywhere().await {
                Ok(_) => go_to("/login"),
                Err(e) => {
                    error.set(Some(error_text(&e)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <div class="card">
            <h2>"Sessions"</h2>
            <p class="muted">"Signed in on a shared or lost device? Sign out of Dropdock on every browser and phone, this one included."</p>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <button class="btn btn-warn" on:click=run disabled=move || busy.get()>"Sign out everywhere"</button>
        </div>
    }
}
