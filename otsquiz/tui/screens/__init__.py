"""The app's screens: home, quiz, summary, stats, settings, profiles and help."""
