"""Turn report files into cited paragraph chunks: read, describe, chunk, embed."""
