"""What a student hands in: submissions, their versions, and the artifacts in them.

"Artifact" is what a student hands in (a file or photo, a link, a reflection, an hours entry, a
supervisor's sign-off); "evidence" is reserved for a rated criterion feeding mastery.
"""
