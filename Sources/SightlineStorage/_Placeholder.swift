enum _SightlineStoragePlaceholder {}
