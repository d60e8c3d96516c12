// An OpenID Connect provider for the sign-in tests: node-oidc-provider, the certified
// implementation, with its own sign-in pages, on 127.0.0.1.
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 9000, "client_id": "...", "client_secret": "...",
//               "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
//               "people": [{"login": "ann", "email": "ann@example.org", "name": "Ann Author"}]}
//
// A person signs in on the provider's page with their login (any password: the provider's
// development sign-in checks none) and the provider vouches for their email address. Only the
// people listed exist: any other login is refused by the provider. Prints "ready ISSUER" once
// it listens.
import { readFileSync } from "node:fs";

import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const issuer = `http://127.0.0.1:${config.port}`;
const people = new Map(config.people.map((person) => [person.login, person]));

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: [config.redirect_uri],
      post_logout_redirect_uris: [config.redirect_uri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  async findAccount(ctx, id) {
    const person = people.get(id);
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: person.email, email_verified: true, name: person.name };
      },
    };
  },
  // The app is the organisation's own: no consent screen, as an identity provider is set up
  // for first-party applications.
  async loadExistingGrant(ctx) {
    const existing =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  // The email address and name go into the ID token, as Entra ID, Google and Keycloak put
  // them: the app reads who signed in from the ID token, not from the userinfo endpoint.
  conformIdTokenClaims: false,
  cookies: { keys: ["dpia sign-in test provider"] },
  features: { devInteractions: { enabled: true } },
});

// Streamlit's st.login asks the provider to let the person choose an account
// (prompt=select_account, as Entra ID and Google offer). Choosing an account here is signing in
// on the provider's page again, so the request is passed on as prompt=login.
provider.use(async (ctx, next) => {
  if (ctx.path === "/auth" && ctx.query.prompt === "select_account") {
    ctx.query = { ...ctx.query, prompt: "login" };
  }
  await next();
});

provider.listen(config.port, "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
