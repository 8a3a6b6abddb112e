"""Forms compiled from ui/*.ui by scripts/build-ui.sh (committed, as Picard does)."""
