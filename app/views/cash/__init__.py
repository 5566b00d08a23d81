"""The Cash module screens: sessions, the drawer, X/Z reports and change."""
