"""The terminal app: a thin Textual layer over ``otsquiz.core``."""
