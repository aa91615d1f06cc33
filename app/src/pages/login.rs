use leptos::prelude::*;

use crate::api::auth::login;
use crate::components::{error_text, go_to};

#[component]
pub fn LoginPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match login(email.get_untracked(), password.get_untracked()).await {
                Ok(role) => go_to(role.home_path()),
                Err(e) => {
                    error.set(Some(error_text(&e)));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <div class="login-wrap">
            <form class="card login-card" method="post" action="/api/auth/login" on:submit=submit>
                <div class="brand big">"Dropdock"</div>
                <p class="muted">"Dropship orders, from store to shelf to door."</p>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required bind:value=email/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required bind:value=password/>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <button class="btn btn-primary wide" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p class="hint">"Demo: merchant@, clerk@, warehouse@, picker@ or admin@demo.test — password demo1234"</p>
            </form>
        </div>
    }
}
