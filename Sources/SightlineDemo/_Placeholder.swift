enum _SightlineDemoPlaceholder {}
