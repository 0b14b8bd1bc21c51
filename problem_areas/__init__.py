"""Problem areas (problemområden): each organisation's own list of what feedback is about.

Quality managers keep the list; handlers pick one as the root cause when they close a case;
a text classifier over all feedback will later suggest areas from the same list."""
