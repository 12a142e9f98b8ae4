"""The bundled demo cohort: a real curriculum and a few weeks of realistic activity."""
