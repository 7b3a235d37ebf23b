enum _SightlineWALPlaceholder {}
