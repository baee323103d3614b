"""auth (core layer): access tokens (RS256, JWKS), system tokens, sign-up checks, login/logout events."""
