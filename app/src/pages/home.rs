use leptos::prelude::*;
use leptos_router::components::Redirect;

/// "/" sends merchants to their orders (the server already sent signed-out visitors to /login
/// and warehouse staff to /floor).
#[component]
pub fn HomePage() -> impl IntoView {
    view! { <Redirect path="/orders"/> }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="page narrow">
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to Dropdock"</a></p>
        </main>
    }
}
